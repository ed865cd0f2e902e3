class Leaf:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return f"Leaf({self.v})"

class Branch:
    def __init__(self, *children):
        self.children = list(children)
    def __repr__(self):
        return f"Branch({', '.join(repr(c) for c in self.children)})"
    def depth(self):
        return 1 + max((c.depth() if isinstance(c, Branch) else 0) for c in self.children)

tree = Branch(Leaf(1), Branch(Leaf(2), Leaf(3)), Branch(Branch(Leaf(4))))
print(tree)
print(tree.depth(), [tree.children[0]], {"t": tree.children[1]})
