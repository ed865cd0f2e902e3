t = (1, 2, 3)
print(t, t[0], t[-1], t[1:], len(t), 2 in t, t.index(3), t.count(1))
print((1,), (), tuple(), (1, 2) + (3,), (0,) * 3)
a, b = 1, 2
a, b = b, a
print(a, b)
point = (3, 4)
x, y = point
print(x * y, point == (3, 4), point < (3, 5), hash(point) == hash((3, 4)))
pairs = [(2, "b"), (1, "a"), (2, "a")]
print(sorted(pairs), max(pairs), {p: i for i, p in enumerate(pairs)}[(1, "a")])
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], len(nested))
try:
    t[0] = 5
except TypeError as e:
    print(e)
