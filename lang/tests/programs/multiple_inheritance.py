# Multiple inheritance: C3 MRO, cooperative super(), mixins, exceptions with mixins, errors.


def names(cls):
    return [c.__name__ for c in cls.__mro__]


class A:
    def who(self):
        return "A"

    def chain(self):
        return ["A"]


class B(A):
    def who(self):
        return "B"

    def chain(self):
        return ["B"] + super().chain()


class C(A):
    def who(self):
        return "C"

    def chain(self):
        return ["C"] + super().chain()


class D(B, C):
    def chain(self):
        return ["D"] + super().chain()


d = D()
print(names(D))
print(d.who(), d.chain())
print(isinstance(d, C), issubclass(D, A), issubclass(C, B))
print([b.__name__ for b in D.__bases__], [b.__name__ for b in A.__bases__])


# Cooperative __init__ with keyword arguments, as in Raymond Hettinger's "super considered super".
class Shape:
    def __init__(self, **kw):
        self.extra = kw
        super().__init__()


class Colored(Shape):
    def __init__(self, color="red", **kw):
        self.color = color
        super().__init__(**kw)


class Sized(Shape):
    def __init__(self, size=1, **kw):
        self.size = size
        super().__init__(**kw)


class Box(Colored, Sized):
    def __init__(self, **kw):
        super().__init__(**kw)


b = Box(color="blue", size=3, label="x")
print(b.color, b.size, b.extra, names(Box))


# Mixins.
class ReprMixin:
    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields)
        return f"{type(self).__name__}({fields})"


class EqMixin:
    def __eq__(self, other):
        return type(self) is type(other) and all(
            getattr(self, k) == getattr(other, k) for k in self._fields
        )

    __hash__ = None


class Point(ReprMixin, EqMixin):
    _fields = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


p = Point(1, 2)
print(repr(p), p == Point(1, 2), p == Point(2, 1))
try:
    hash(p)
except TypeError as e:
    print("TypeError:", e)


# The textbook C3 example (Python's MRO document).
class O:
    pass


class F(O):
    pass


class E(O):
    pass


class DD(O):
    pass


class CC(DD, F):
    pass


class BB(DD, E):
    pass


class AA(BB, CC):
    pass


print(names(AA))


# Inconsistent orders and duplicate bases are TypeErrors, as in CPython.
class X(C, A):
    pass


print(names(X))
try:

    class Bad(A, B):
        pass

except TypeError as e:
    print("TypeError:", e)
try:

    class Bad2(A, A):
        pass

except TypeError as e:
    print("TypeError:", e)


class P1:
    pass


class P2:
    pass


class Q1(P1, P2):
    pass


class Q2(P2, P1):
    pass


try:

    class Z(Q1, Q2):
        pass

except TypeError as e:
    print("TypeError:", e)


# Exceptions with a mixin: except clauses, the mixin's methods, and the exception's own.
class DetailMixin:
    def detail(self):
        return "detail: " + str(self)


class AppError(DetailMixin, ValueError):
    pass


class NotFound(AppError, Exception):
    pass


try:
    raise AppError("bad value")
except ValueError as e:
    print(type(e).__name__, e.detail(), e.args, isinstance(e, DetailMixin))

try:
    raise NotFound("missing")
except LookupError:
    print("wrong handler")
except ValueError as e:
    print(type(e).__name__, repr(e), e.detail(), names(NotFound))


class Loud:
    def __str__(self):
        return "LOUD"


class LoudError(Exception, Loud):
    pass


class QuietError(Loud, Exception):
    pass


print(str(LoudError("x")), str(QuietError("x")))


# super() with two arguments, class methods and __init_subclass__ across bases.
class Registry:
    seen = []

    def __init_subclass__(cls, **kw):
        Registry.seen.append(cls.__name__)
        super().__init_subclass__(**kw)


class Plugin(Registry):
    @classmethod
    def make(cls):
        return cls.__name__


class Tagged:
    @classmethod
    def make(cls):
        return "tagged " + cls.__name__


class Both(Plugin, Tagged):
    @classmethod
    def make(cls):
        return "both/" + super().make()


class Both2(Tagged, Plugin):
    pass


print(Registry.seen, Both.make(), Both2.make())
print(super(B, d).who(), super(C, d).who(), super(D, d).chain())


# Metaclasses come from any base; the most derived wins.
class Meta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        cls.made_by = "Meta"


class WithMeta(metaclass=Meta):
    pass


class Plain:
    pass


class Mixed(Plain, WithMeta):
    pass


print(type(Mixed).__name__, Mixed.made_by, names(Mixed))


class Meta2(type):
    pass


class WithMeta2(metaclass=Meta2):
    pass


try:

    class Clash(WithMeta, WithMeta2):
        pass

except TypeError as e:
    print("TypeError:", e)


# Properties and class attributes along the MRO.
class Base1:
    kind = "base1"

    @property
    def label(self):
        return "label:" + self.kind


class Base2:
    kind = "base2"
    size = 2


class Leaf(Base2, Base1):
    pass


leaf = Leaf()
print(leaf.kind, leaf.size, leaf.label, Leaf.kind)
