def f(x):
    return x + 1


def g():
    pass


f.on_coordinator = True
f.count = 0
f.count += 2
print(f.on_coordinator, f.count, getattr(g, "on_coordinator", False), hasattr(g, "count"))
print(getattr(f, "missing", "default"), f(1), f.__name__)
try:
    g.missing
except AttributeError as e:
    print("AttributeError", e)
