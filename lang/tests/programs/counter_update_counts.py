# Counter.update from an iterable (counted in Rust): counts past 64 bits, counts that are user
# objects with __add__, unhashable items, a generator that raises half-way.
from collections import Counter
c = Counter('abracadabra')
print(c.most_common(3), sorted(c.items()))
c.update(x % 3 for x in range(10))
print(sorted(c.items(), key=repr))
class V:
    def __init__(self, n): self.n = n
    def __add__(self, o): return V(self.n + o * 10)
    def __repr__(self): return 'V(%d)' % self.n
d = Counter()
d['k'] = V(1)
d.update(['k', 'k'])
print(d['k'])
big = Counter()
big['z'] = 2**63 - 1
big.update('zz')
print(big['z'])
try:
    Counter([[1]])
except TypeError as e:
    print('TypeError', e)
def gen():
    yield 1
    yield 2
    raise ValueError('mid')
e = Counter()
try:
    e.update(gen())
except ValueError as x:
    print('ValueError', x, dict(e))
print(Counter(a=1, b=2), Counter({'a': 3}))
