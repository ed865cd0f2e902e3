def f(*args, **kwargs):
    return args, sorted(kwargs.items())

print(f(), f(1, 2), f(a=1), f(1, b=2, c=3))

def g(a, b=10, *rest, key=None, **extra):
    return a, b, rest, key, extra

print(g(1))
print(g(1, 2, 3, 4))
print(g(1, key="k"))
print(g(1, 2, key="k", z=26))
args = [5, 6, 7]
opts = {"key": "K", "q": 1}
print(g(*args, **opts))
print(g(0, *args))
print(max(*[3, 8, 1]), print(*["a", "b"], sep="|"))

def kwonly(a, *, b, c=3):
    return a + b + c

print(kwonly(1, b=2), kwonly(1, c=10, b=5))
try:
    kwonly(1, 2)
except TypeError as e:
    print(e)
try:
    kwonly(1)
except TypeError as e:
    print(e)
def first(*items):
    return items[0] if items else None
print(first(), first(9, 8))
