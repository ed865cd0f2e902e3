# __new__ (singletons, caches, immutable setup, returning another object), object.__new__,
# __setattr__/__delattr__ hooks and object.__setattr__.
class Singleton:
    _inst = None
    def __new__(cls, *args, **kwargs):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
            cls._inst.count = 0
        return cls._inst
    def __init__(self, step=1):
        self.count += step
a = Singleton(); b = Singleton(step=5)
print(a is b, a.count)

class Point:
    __slots__ = ('x', 'y')
    def __new__(cls, x, y):
        self = object.__new__(cls)
        self.x, self.y = x, y
        return self
    def __repr__(self):
        return f"Point({self.x}, {self.y})"
print(Point(1, 2))

class Other:
    def __new__(cls, v):
        return v * 2   # not an instance: __init__ skipped
    def __init__(self, v):
        print("never")
print(Other(21))

class Base:
    def __new__(cls, *a):
        inst = super().__new__(cls)
        inst.made_by = cls.__name__
        return inst
class Child(Base):
    def __init__(self, n):
        self.n = n
c = Child(3)
print(c.made_by, c.n, type(c).__name__)

class Cached:
    _cache = {}
    def __new__(cls, key):
        if key not in cls._cache:
            inst = super().__new__(cls)
            inst.key = key
            cls._cache[key] = inst
        return cls._cache[key]
print(Cached('a') is Cached('a'), Cached('a') is Cached('b'))

class E(Exception):
    def __new__(cls, *args):
        e = super().__new__(cls, *args)
        e.extra = 1
        return e
try:
    raise E("boom")
except E as e:
    print(repr(e), e.extra, e.args)

try:
    object.__new__(Point, 1)
except TypeError as t:
    print(t)
class Plain:
    pass
try:
    Plain(1)
except TypeError as t:
    print(t)
class StaticNew:
    @staticmethod
    def __new__(cls):
        return super(StaticNew, cls).__new__(cls)
print(type(StaticNew()).__name__)
o = object.__new__(object)
print(type(o).__name__)
class A:
    def __setattr__(self, name, value):
        print("set", name)
        object.__setattr__(self, name, value * 2)
a = A()
a.x = 1
print(a.x)
class Frozen:
    def __init__(self, x):
        object.__setattr__(self, 'x', x)
    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field '{name}'")
    def __delattr__(self, name):
        raise AttributeError(f"cannot delete field '{name}'")
f = Frozen(3)
print(f.x)
for action in (lambda: setattr(f, 'x', 4), lambda: delattr(f, 'x')):
    try:
        action()
    except AttributeError as e:
        print(e)
print(f.x, vars(f))
class Tracked:
    def __init__(self):
        self.log = []
        self.a = 1
        self.a = 2
    def __setattr__(self, name, value):
        if name != 'log':
            self.log.append((name, value))
        super().__setattr__(name, value)
t = Tracked()
t.b = 3
print(t.log, t.a, t.b)
class Sub(Tracked):
    pass
s = Sub()
s.c = 4
print(s.log)
