# A tiny one-way constraint propagator (in the spirit of DeltaBlue, written anew).
class Var:
    def __init__(self, name, value=0):
        self.name = name
        self.value = value
        self.constraints = []
class Equal:
    def __init__(self, a, b):
        self.a, self.b = a, b
        a.constraints.append(self)
    def satisfy(self, changed):
        other = self.b if changed is self.a else self.a
        if other.value != changed.value:
            other.value = changed.value
            return [other]
        return []
class Scale:
    def __init__(self, src, k, offset, dst):
        self.src, self.k, self.offset, self.dst = src, k, offset, dst
        src.constraints.append(self)
    def satisfy(self, changed):
        v = changed.value * self.k + self.offset
        if self.dst.value != v:
            self.dst.value = v
            return [self.dst]
        return []
def propagate(var):
    work = [var]
    steps = 0
    while work:
        v = work.pop()
        for c in v.constraints:
            work.extend(c.satisfy(v))
            steps += 1
    return steps
chain = [Var('v%d' % i) for i in range(50)]
for a, b in zip(chain, chain[1:]):
    Equal(a, b)
chain[0].value = 17
print(propagate(chain[0]), chain[-1].value)
src, dst = Var('src'), Var('dst')
Scale(src, 3, 7, dst)
for v in (1, 10, -4):
    src.value = v
    propagate(src)
    print(v, dst.value)
