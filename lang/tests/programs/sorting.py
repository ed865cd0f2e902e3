import_free = [5, 3, 9, 1, 5, 7, 2, 8, 3, 0, -4, 11]
print(sorted(import_free), sorted([]), sorted([1]), sorted("sorting"))
big = [(i * 7919) % 1000 for i in range(2000)]
s = sorted(big)
print(s[:10], s[-5:], len(s))
pairs = [(2, "b"), (1, "z"), (2, "a"), (1, "a")]
print(sorted(pairs))
rev = list(range(3000, 0, -1))
rev.sort()
print(rev[:3], rev[-3:])
try:
    sorted([1, "x"])
except TypeError as e:
    print(e)
