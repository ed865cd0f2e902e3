# The lazy builtins are classes: type(), isinstance(), repr() of their objects and of the
# classes themselves; vars() of a class starts with __module__ and has __doc__.
e = enumerate("ab", 1)
z = zip([1, 2], "xy")
m = map(abs, [-1, -2])
f = filter(None, [0, 1, 2])
for it, cls in [(e, enumerate), (z, zip), (m, map), (f, filter)]:
    print(type(it).__name__, type(it) is cls, isinstance(it, cls), repr(cls), type(cls).__name__)
print(list(e), list(z), list(m), list(f))
print(isinstance(iter([]), (enumerate, zip)), callable(enumerate), isinstance(enumerate, type))
print(isinstance(reversed("ab"), reversed), type(reversed((1, 2))).__name__)


class Base:
    """A base with a docstring."""

    x = 1

    def f(self):
        return self.x


class Sub(Base):
    y = 2


# (A base class's `__dict__` and `__weakref__` descriptors are not in the subset.)
shown = [k for k in vars(Base) if k not in ("__dict__", "__weakref__")]
print(shown, vars(Base)["__module__"], vars(Base)["__doc__"])
print(list(vars(Sub)), vars(Sub)["__doc__"], Sub.__module__)
try:
    isinstance(1, enumerate(()))
except TypeError as err:
    print("TypeError:", err)
