class Node:
    created = 0
    registry = {}
    def __init__(self, label):
        Node.created += 1
        self.label = label
        self.id = Node.created
        Node.registry[self.id] = self
    @classmethod
    def get(cls, id):
        return cls.registry.get(id)
    def __repr__(self):
        return f"Node#{self.id}({self.label})"

nodes = [Node(c) for c in "abc"]
print(Node.created, Node.get(2), Node.get(9), nodes)
