from functools import lru_cache, reduce, partial
@lru_cache(maxsize=None)
def lcs(a, b):
    if not a or not b:
        return ''
    if a[0] == b[0]:
        return a[0] + lcs(a[1:], b[1:])
    x, y = lcs(a[1:], b), lcs(a, b[1:])
    return x if len(x) >= len(y) else y
print(lcs('AGGTAB', 'GXTXAYB'), lcs('programming', 'gaming'))
@lru_cache(maxsize=None)
def knap(i, cap):
    if i < 0 or cap == 0:
        return 0
    w, v = items[i]
    best = knap(i - 1, cap)
    if w <= cap:
        best = max(best, v + knap(i - 1, cap - w))
    return best
items = [(12, 4), (2, 2), (1, 1), (1, 2), (4, 10)]
print(knap(len(items) - 1, 15), knap.cache_info().currsize > 0)
def poly(coeffs, x):
    return reduce(lambda acc, c: acc * x + c, coeffs, 0)
p = partial(poly, [2, -3, 0, 5])
print([p(x) for x in range(-2, 3)])
