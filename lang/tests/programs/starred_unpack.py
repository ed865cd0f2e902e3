first, *middle, last = [1, 2, 3, 4, 5]
print(first, middle, last)
*init, tail = "abc"
print(init, tail)
head, *rest = range(3)
print(head, rest)
a, *b = [1]
print(a, b)
(x, y), *z = [(1, 2), 3, 4]
print(x, y, z)
for k, *vs in [(1, 2, 3), (4,)]:
    print(k, vs)
print([*range(3), *"ab"], (*[1, 2], 3), {**{"a": 1}, "b": 2, **{"a": 3}})
try:
    p, *q, r = [1]
except ValueError as e:
    print(e)
