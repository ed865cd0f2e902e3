import copy
class Node:
    def __init__(self, value, children=None):
        self.value = value
        self.children = children or []
    def __repr__(self):
        return 'Node(%r, %r)' % (self.value, self.children)
tree = Node(1, [Node(2), Node(3, [Node(4)])])
shallow = copy.copy(tree)
deep = copy.deepcopy(tree)
tree.children[1].children.append(Node(5))
tree.value = 100
print(tree)
print(shallow)
print(deep)
shared = [1, 2]
outer = [shared, shared, {'k': shared}]
c = copy.deepcopy(outer)
c[0].append(3)
print(c, c[0] is c[1], c[2]['k'] is c[0], outer)
cyc = [1]
cyc.append(cyc)
cc = copy.deepcopy(cyc)
print(cc[1] is cc, cc[0])
t = (1, [2])
tc = copy.deepcopy(t)
tc[1].append(3); print(t, tc, copy.deepcopy((1, 2)) == (1, 2))
class WithCopy:
    def __init__(self):
        self.n = 0
    def __copy__(self):
        w = WithCopy()
        w.n = self.n + 1
        return w
    def __deepcopy__(self, memo):
        w = WithCopy()
        w.n = self.n + 10
        return w
w = WithCopy()
print(copy.copy(w).n, copy.deepcopy(w).n, copy.copy([1, [2]]), copy.copy({'a': 1}), copy.copy(5), copy.deepcopy({1, 2}))
