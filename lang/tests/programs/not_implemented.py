# NotImplemented from special methods: the other operand's reflected method, then the
# operator's fallback (identity for == and !=, TypeError for the rest), as CPython.
class Money:
    def __init__(self, cents):
        self.cents = cents
    def __repr__(self):
        return 'Money(%d)' % self.cents
    def __eq__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents == other.cents
    def __lt__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents < other.cents
    def __add__(self, other):
        if isinstance(other, Money):
            return Money(self.cents + other.cents)
        if isinstance(other, int):
            return Money(self.cents + other)
        return NotImplemented
    def __radd__(self, other):
        if other == 0:
            return self
        return NotImplemented
    def __hash__(self):
        return hash(self.cents)

class Meters:
    def __init__(self, n):
        self.n = n
    def __add__(self, other):
        return NotImplemented
    def __radd__(self, other):
        if isinstance(other, Money):
            return 'meters+money'
        return NotImplemented
    def __eq__(self, other):
        if isinstance(other, Money):
            return 'meters==money'
        return NotImplemented
    def __gt__(self, other):
        return 'meters>' + type(other).__name__

a, b = Money(5), Money(5)
print(a == b, a != b, a == 5, 5 == a, a != 'x', a == a, a is b)
print(a < Money(6), Money(7) < a, sorted([Money(3), Money(1), Money(2)]))
print(a + b, a + 3, sum([Money(1), Money(2)]), a + Meters(1))
print(a == Meters(2), Meters(2) == a, a < Meters(1))
x = Money(1)
x += 4
print(x)
for expr in [lambda: a + 'x', lambda: 'x' + a, lambda: a < 3, lambda: 3 > a, lambda: Meters(1) + Meters(2),
             lambda: a <= b]:
    try:
        print(expr())
    except TypeError as e:
        print('TypeError:', e)
y = Meters(1)
try:
    y += 5
except TypeError as e:
    print('TypeError:', e)
print(NotImplemented, repr(NotImplemented), type(NotImplemented).__name__, bool(NotImplemented))
print({a: 1}[Money(5)], a in [Money(5)], Money(6) in [a, 1, 'x'], [a] == [Money(5)])
try:
    NotImplemented()
except TypeError as e:
    print('TypeError:', e)

class V:
    def __init__(self, *xs):
        self.xs = xs
    def __mul__(self, k):
        if isinstance(k, (int, float)):
            return V(*[x * k for x in self.xs])
        return NotImplemented
    __rmul__ = __mul__
    def __repr__(self):
        return 'V%r' % (self.xs,)
print(V(1, 2) * 3, 3 * V(1, 2), 2.5 * V(2))
try:
    V(1) * V(2)
except TypeError as e:
    print('TypeError:', e)

# The library returns it where CPython does.
from dataclasses import dataclass
from functools import total_ordering
from fractions import Fraction

@dataclass(order=True)
class P:
    x: int

print(P(1) == P(1), P(1) == 1, P(1) != 'a', P(1) < P(2))
try:
    P(1) < 2
except TypeError as e:
    print('TypeError:', e)

@total_ordering
class Version:
    def __init__(self, n):
        self.n = n
    def __eq__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.n == other.n
    def __lt__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.n < other.n

print(Version(1) <= Version(2), Version(3) > Version(2), Version(2) >= Version(2))
for expr in [lambda: Version(1) > 3, lambda: Version(1) <= 'a']:
    try:
        expr()
    except TypeError as e:
        print('TypeError:', e)
print(Fraction(1, 2) == 'x', Fraction(1, 2) < 1, Fraction(3, 2) > 1.25)
try:
    Fraction(1, 2) > 'a'
except TypeError as e:
    print('TypeError:', e)
