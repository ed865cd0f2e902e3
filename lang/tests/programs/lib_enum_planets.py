# Enums as a program uses them: members with tuple values and __init__, methods, properties,
# lookups, aliases, ordering by value, dict keys, _missing_, custom auto values.
from enum import Enum, Flag, IntEnum, auto, unique


class Planet(Enum):
    MERCURY = (3.303e+23, 2.4397e6)
    VENUS = (4.869e+24, 6.0518e6)
    EARTH = (5.976e+24, 6.37814e6)
    MARS = (6.421e+23, 3.3972e6)

    def __init__(self, mass, radius):
        self.mass = mass
        self.radius = radius

    @property
    def surface_gravity(self):
        G = 6.67300E-11
        return G * self.mass / (self.radius * self.radius)


for p in Planet:
    print(p.name, p.value, round(p.surface_gravity, 3))
print(Planet((5.976e+24, 6.37814e6)) is Planet.EARTH, Planet['MARS'].radius)


class Status(Enum):
    PENDING = 'pending'
    RUNNING = 'running'
    DONE = 'done'
    FINISHED = 'done'   # an alias
    FAILED = 'failed'

    @classmethod
    def _missing_(cls, value):
        if isinstance(value, str):
            for m in cls:
                if m.value == value.lower():
                    return m
        return None

    def is_terminal(self):
        return self in (Status.DONE, Status.FAILED)


print([s.name for s in Status], len(Status), list(Status.__members__))
print(Status.FINISHED is Status.DONE, Status('RUNNING'), Status('Done').is_terminal())
try:
    Status(42)
except ValueError as e:
    print('ValueError:', e)
counts = {}
for s in [Status.DONE, Status.PENDING, Status.DONE, Status.FINISHED]:
    counts[s] = counts.get(s, 0) + 1
print(counts)
print(sorted(Status, key=lambda s: s.value))
print(Status.DONE == Status.DONE, Status.DONE != Status.FAILED, Status.DONE == 'done')


class Priority(IntEnum):
    LOW = 1
    MEDIUM = 5
    HIGH = 10


tasks = [('write', Priority.LOW), ('ship', Priority.HIGH), ('test', Priority.MEDIUM)]
tasks.sort(key=lambda t: t[1], reverse=True)
print(tasks)
print(Priority.HIGH > Priority.LOW, Priority.MEDIUM >= 5, Priority.LOW + Priority.HIGH, max(Priority))
print(sorted([Priority.HIGH, 3, Priority.LOW, 7]))
print('%d items at %s' % (2, Priority.HIGH), '{}'.format(Priority.MEDIUM))


class Ordinal(Enum):
    def _generate_next_value_(name, start, count, last_values):
        return name.title() + str(count)

    ZERO = auto()
    ONE = auto()
    TWO = auto()


print(list(Ordinal), Ordinal.TWO.value)


class Shape(Enum):
    SQUARE = 2
    DIAMOND = 1
    CIRCLE = 3
    ALIAS_FOR_SQUARE = 2


print(list(Shape), [n for n in Shape.__members__], Shape(2).name)
try:
    @unique
    class Mistake(Enum):
        ONE = 1
        TWO = 2
        THREE = 3
        FOUR = 3
except ValueError as e:
    print('ValueError:', e)


class Weekday(Enum):
    MON = 1
    TUE = 2
    WED = 3

    def next(self):
        members = list(Weekday)
        return members[(members.index(self) + 1) % len(members)]


day = Weekday.MON
for _ in range(4):
    print(day, end=' ')
    day = day.next()
print()
print(Weekday.TUE in Weekday, isinstance(Weekday.WED, Weekday), type(Weekday.WED).__name__)
print(Weekday.MON.__class__ is Weekday, hash(Weekday.MON) == hash(Weekday.MON))
print([d.value for d in reversed(list(Weekday))])


class Bits(Flag):
    NONE = 0
    A = 1
    B = 2


print(list(Bits), len(Bits), Bits.NONE, Bits(0) is Bits.NONE, list(Bits.__members__))


class Odd(Enum):
    A = 5
    Y = 1
    Z = auto()


class Words(Enum):
    X = 'x'
    Y = auto()


print(Odd.Z.value, [m.value for m in Words])
