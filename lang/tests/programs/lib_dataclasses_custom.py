# Dataclasses that define some methods themselves: those are kept.
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class Money:
    cents: int
    currency: str = 'EUR'
    rate: 'ClassVar[float]' = 1.0

    def __repr__(self):
        return '%d.%02d %s' % (self.cents // 100, self.cents % 100, self.currency)

    def __hash__(self):
        return hash((self.cents, self.currency))


print(Money(1234), Money(5) == Money(5), hash(Money(5)) == hash(Money(5)), Money.rate)
print(len({Money(1), Money(1), Money(2)}))


@dataclass(eq=False)
class Node:
    name: str
    children: list = field(default_factory=list)

    def __eq__(self, other):
        return isinstance(other, Node) and self.name == other.name


print(Node('a') == Node('a', [Node('b')]), Node('a'))


@dataclass
class Base:
    a: int

    def describe(self):
        return type(self).__name__ + ' with ' + repr(self)


@dataclass
class Child(Base):
    b: int = 2


print(Child(1).describe(), Child(1, 3) == Child(1, 3), Base(1) == Child(1))
try:
    @dataclass(order=True)
    class Bad:
        a: int

        def __lt__(self, other):
            return True
except TypeError as e:
    print('TypeError:', e)


@dataclass
class Counter:
    start: int

    def __init__(self, start):
        self.start = start * 10


print(Counter(2))
