from functools import lru_cache, cache
calls = []
@lru_cache(maxsize=3)
def slow_square(n):
    calls.append(n)
    return n * n
for n in [1, 2, 3, 1, 4, 2, 5, 1]:
    slow_square(n)
print(calls, slow_square.cache_info())
slow_square.cache_clear()
print(slow_square.cache_info())
@lru_cache
def ways(n, k):
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return ways(n - k, k) + ways(n, k - 1)
print(ways(50, 50), ways.cache_info().misses > 0)
@cache
def collatz(n):
    if n == 1:
        return 0
    return 1 + collatz(n // 2 if n % 2 == 0 else 3 * n + 1)
print(max(range(1, 3000), key=collatz), collatz(27))
@lru_cache(maxsize=None)
def edit(a, b):
    if not a:
        return len(b)
    if not b:
        return len(a)
    if a[0] == b[0]:
        return edit(a[1:], b[1:])
    return 1 + min(edit(a[1:], b), edit(a, b[1:]), edit(a[1:], b[1:]))
print(edit('kitten', 'sitting'), edit('intention', 'execution'))
@lru_cache(maxsize=2)
def kw(a, b=1):
    return a + b
print(kw(1), kw(1, b=2), kw(a=1), kw.cache_info())
