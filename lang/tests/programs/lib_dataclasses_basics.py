from dataclasses import dataclass, field, fields, asdict, astuple, replace, is_dataclass, FrozenInstanceError


@dataclass
class Point:
    x: int
    y: int = 0


print(Point(1), Point(1, 2) == Point(1, 2), Point(1) != Point(2), Point(1) == (1, 0))
for bad in [lambda: Point(), lambda: Point(1, 2, 3), lambda: Point(1, z=3), lambda: Point(1, x=3)]:
    try:
        bad()
    except TypeError as e:
        print('TypeError:', e)
try:
    @dataclass
    class Wrong:
        a: int = 0
        b: int
except TypeError as e:
    print('TypeError:', e)
try:
    @dataclass
    class Shared:
        a: list = []
except ValueError as e:
    print('ValueError:', e)


@dataclass(frozen=True)
class Key:
    name: str
    n: int = 1


k = Key('a')
try:
    k.name = 'b'
except FrozenInstanceError as e:
    print(type(e).__name__, e, isinstance(e, AttributeError))
print(k, hash(k) == hash(Key('a', 1)), {Key('a'): 1, Key('b'): 2}[Key('a')], Point.__hash__)
print([f.name for f in fields(Point)], [f.name for f in fields(Point(1))], fields(Point)[1].default)


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    tag: str = field(default='', compare=False)


print(sorted([Version(2), Version(1, 5, 'b'), Version(1, 2)]), max(Version(1), Version(1, 1)))
try:
    Version(1) < 3
except TypeError as e:
    print('TypeError:', e)
print(asdict(Point(1, 2)), astuple(Point(1, 2)), replace(Point(1, 2), y=5))
print(is_dataclass(Point), is_dataclass(Point(1)), is_dataclass(3))
try:
    replace(Point(1), z=1)
except TypeError as e:
    print('TypeError:', e)


@dataclass
class Basket:
    items: list = field(default_factory=list)
    secret: int = field(default=3, repr=False)


a = Basket()
a.items.append('apple')
print(a, Basket(), a.secret)


@dataclass
class Point3(Point):
    z: int = 9


print(Point3(1), Point3(1, 2, 3), [f.name for f in fields(Point3)])


@dataclass
class Derived:
    a: int

    def __post_init__(self):
        self.double = self.a * 2


print(Derived(3).double, Point.__annotations__, Basket.__annotations__)
try:
    @dataclass(order=True, eq=False)
    class NoEq:
        a: int
except ValueError as e:
    print('ValueError:', e)
try:
    field(default=1, default_factory=list)
except ValueError as e:
    print('ValueError:', e)


@dataclass
class Options:
    path: str
    verbose: bool = field(default=False, kw_only=True)
    level: int = field(default=0, kw_only=True)


print(Options('x', level=2), Options('y', verbose=True))
try:
    Options('x', True)
except TypeError as e:
    print('TypeError:', e)
print(Point.__match_args__, Options.__match_args__)
