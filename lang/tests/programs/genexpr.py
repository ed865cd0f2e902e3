nums = [3, 1, 4, 1, 5, 9, 2, 6]
print(sum(x for x in nums), sum(x * x for x in nums if x % 2))
print(any(x > 8 for x in nums), all(x > 0 for x in nums))
print(max(x for x in nums if x < 5), min((x for x in nums), default=0))
print(list(x + y for x in range(3) for y in range(3) if x != y))
print(tuple(c.upper() for c in "abc"), "-".join(str(n) for n in nums))
g = (i * 2 for i in range(3))
print(list(g), list(g))
factor = 10
print(list(x * factor for x in range(3)))
def scaled(k):
    return list(v * k for v in range(4))
print(scaled(3))
matrix = [[1, 2], [3, 4], [5, 6]]
print([sum(x for x in row) for row in matrix])
print([list(c * r[0] for c in r) for r in matrix])
print(sorted((len(w), w) for w in ["ccc", "a", "bb"]))
print(dict((k, v) for k, v in zip("abc", range(3))))
