def counter():
    n = 0
    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc
c1, c2 = counter(), counter()
print(c1(), c1(), c1(5), c2())
def make_multipliers():
    return [lambda x, i=i: x * i for i in range(4)]
print([m(10) for m in make_multipliers()])
total = 0
def add_global(x):
    global total
    total += x
for i in range(5):
    add_global(i)
print(total)
def outer():
    x = 'outer'
    def middle():
        def inner():
            return x
        return inner()
    x = 'rebound'
    return middle()
print(outer())
def memo(fn):
    cache = {}
    def wrapped(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]
    wrapped.cache = cache
    return wrapped
@memo
def tri(n):
    return n if n < 2 else n + tri(n - 1)
print(tri(30), len(tri.cache))
