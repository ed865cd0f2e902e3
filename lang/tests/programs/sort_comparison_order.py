# sorted()/list.sort make CPython 3.11's comparisons (run detection, binary insertion) on short
# lists: the same __lt__ calls in the same order, the same failing pair on mixed types.
calls = []
class K:
    def __init__(self, v): self.v = v
    def __lt__(self, o):
        calls.append((self.v, o.v))
        return self.v < o.v
    def __repr__(self): return 'K(%r)' % self.v
for data in ([3, 1, 2], [5, 4, 3, 2, 1], [1, 2, 3, 5, 4], [2, 2, 1, 1, 3, 0], list(range(20, 0, -3)) + [7, 7, 1]):
    for rev in (False, True):
        calls.clear()
        out = sorted([K(x) for x in data], reverse=rev)
        print([k.v for k in out], calls)
for bad in ([1, 'a'], [None, 2.5, 'x'], [1, 2.5, True, None, 'x', 10**30], ['a', 1, 2]):
    try:
        sorted(bad)
    except TypeError as e:
        print('TypeError', e)
    try:
        sorted(bad, reverse=True)
    except TypeError as e:
        print('TypeError', e)
pairs = [(1, 'b'), (0, 'a'), (1, 'a'), (0, 'b')]
print(sorted(pairs, key=lambda p: p[0]), sorted(pairs, key=lambda p: p[0], reverse=True))
l = [4, 1, 3]
l.sort(reverse=True)
print(l)
import random
random.seed(5)
big = [random.randint(0, 50) for _ in range(300)]
print(sorted(big) == sorted(big, key=lambda x: x), sorted(big, reverse=True)[:10])
