a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(len(a), 3 in a, 7 in a, 7 not in a)
a.add(10)
a.discard(1)
a.discard(99)
print(sorted(a))
try:
    a.remove(99)
except KeyError as e:
    print("KeyError", e)
print({1, 2} <= {1, 2, 3}, {1, 2} < {1, 2}, {1, 2, 3} >= {3}, {1} == {1}, {1} != {2})
s = set()
for w in "the quick the lazy the end".split():
    s.add(w)
print(len(s), sorted(s))
print(sorted({x % 3 for x in range(10)}))
f = frozenset([1, 2, 2, 3])
print(len(f), 2 in f, sorted(f), sorted(f | {9}))
d = {frozenset({1, 2}): "pair"}
print(d[frozenset({2, 1})])
print(sorted(set("hello")), set(), bool(set()))
print(sorted(a.union({0}, [100])), sorted(b.intersection([4, 5, 6])), sorted(b.difference({5})))
print({1, 2}.issubset([1, 2, 3]), {1, 2}.isdisjoint({3}), {5, 6}.issuperset({6}))
