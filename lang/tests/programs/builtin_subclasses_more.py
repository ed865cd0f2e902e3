# Builtin subclasses: super() reaching the builtin's methods, str.__new__/int.__new__ through
# the type, __index__, hash() agreeing with dict keys, __eq__ without __hash__, copies, numbers
# that are not containers, reflected operators, format with an overridden __str__, enums with
# tuple and int mixins.
import copy
import enum
from collections.abc import Iterable, Sized


class L(list):
    def index(self, x):
        return super().index(x) * 10

    def remove(self, x):
        super().remove(x)
        self.removed = x


l = L([1, 2, 3])
l.remove(2)
print(l.index(3), l, l.removed, l.count(1))


class U(str):
    def __new__(cls, s):
        return str.__new__(cls, s.upper())

    def upper(self):
        return 'U:' + super().upper()


u = U('abc')
print(u, type(u).__name__, u.upper(), u.split('B'), u.lower())


class Level(int):
    def __new__(cls, n):
        return int.__new__(cls, n * 2)


lv = Level(1)
print(lv, [10, 20, 30][lv], [0, 1, 2, 3][Level(0):lv], lv.bit_length(), hash(lv) == hash(2), 1 << lv, 16 >> lv)
print('x'.center(Level(3), '*'), round(3.14159, Level(1)), list(enumerate('ab', start=Level(2))))


class P(tuple):
    pass


p = P(([1], 2))
q = copy.deepcopy(p)
q[0].append(9)
print(p, q, type(q).__name__, hash(P((1, 2))) == hash((1, 2)), copy.copy(p) == p)


class T(str):
    def __eq__(self, other):
        return True


try:
    hash(T('a'))
except TypeError as e:
    print('TypeError', e)
print(isinstance(Level(3), Iterable), isinstance(Level(3), Sized), hasattr(Level(3), '__iter__'))


class S(set):
    pass


class F(frozenset):
    pass


print({3} | S([1]), {1, 2} & S([2]), {1, 2} - S([2]), {1} ^ S([2]), repr(S({1})), repr(S()), repr(F({5})), repr(F()))


class I(int):
    def __str__(self):
        return 'I!'


print(f'{I(3)}', '{}'.format(I(3)), f'{I(3):>4}', str(I(3)), repr(I(3)))


class Pt(tuple, enum.Enum):
    A = (1, 2)
    B = (3, 4)


print(Pt.A, Pt.A.value, Pt.A[0], Pt((3, 4)), len(Pt.B))
d = dict.fromkeys('a', L([1]))
print(type(d['a']).__name__)


def gen():
    yield 1
    raise StopIteration


try:
    list(gen())
except RuntimeError as e:
    print(e.args)


class Tag(str):
    pass


class Num(int):
    pass


import re
t = Tag('ab-cd')
print('ab-cd-ef'.startswith(t), 'x ab-cd'.find(t), '-'.join([t, Tag('z')]), 'q'.replace('q', Tag('w')),
      int(Tag('5')), int(Num(7)), float(Num(2)), type(int(Num(7))).__name__)
print(re.match(r'(\w+)-', t).group(1), re.findall(r'\w', Tag('a1')), re.sub(Tag('b'), 'B', t), re.split('-', t))


class Loud(str):
    def __str__(self):
        return 'LOUD'

    def __format__(self, spec):
        return 'F:' + spec


print('{} {:x}'.format(Loud('q'), Loud('q')), '{a}'.format_map({'a': Loud('q')}), 'q'.startswith(Loud('q')))
