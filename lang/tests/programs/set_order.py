print({3, 1, 2}, {10, 5, 100, 7, 8, 33, 1000, -1, -5}, set(range(20, 0, -3)))
print({(1, 2), (0, 0), (5, 1)}, {1.5, 2.0, 0.25, -3.5}, {True, 0, 2})
s = set()
for i in [64, 32, 16, 8, 4, 2, 1, 0, 100000, 77]:
    s.add(i)
print(s, list(s), [x for x in {9, 18, 27, 36}])
print({x * 7 % 13 for x in range(13)}, hash((1, 2)), hash(1.5), hash(-1), hash(2**64), hash(0.1))
print(frozenset({5, 3, 9}), {5, 3, 9}.pop(), sorted({"b", "a"}))
