# Generators made by plain calls, method calls and generator expressions, run by for loops,
# next(), send(), yield from and builtins, finished early and to the end.
def count(n):
    for i in range(n):
        yield i
    return 'done'
class Tree:
    def __init__(self, items):
        self.items = items
    def walk(self, k):
        for x in self.items:
            yield x * k
def outer():
    r = yield from count(3)
    yield r
print(list(count(4)), [x for x in count(0)], sum(count(10)))
t = Tree([1, 2, 3])
print(list(t.walk(2)), max(t.walk(-1)), sorted(t.walk(3), reverse=True))
print(list(outer()))
g = count(2)
print(g.__name__, next(g), next(g))
try:
    next(g)
except StopIteration as e:
    print('stop', e.value)
total = 0
for j in range(200):
    total += sum(x * j for x in (1, 2, 3))
    for y in (z for z in range(j % 4)):
        total += y
print(total)
def echo():
    got = yield 'ready'
    while got is not None:
        got = yield got * 2
e = echo()
print(next(e), e.send(5), e.send(7))
e.close()
def early():
    for v in count(100):
        if v == 3:
            return v
print(early())
k = 10
adders = [(lambda v, k=k: v + k) for _ in range(2)]
print([f(1) for f in adders], list(map(lambda v: v * k, count(3))))
def with_closure(base):
    return (base + i for i in range(3))
print(list(with_closure(10)), set(x % 3 for x in range(10)), tuple(c for c in 'abc'))
