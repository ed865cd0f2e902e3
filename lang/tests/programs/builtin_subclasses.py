# Classes deriving from builtin types (dict, list, str, int, float, tuple, set) and enums
# with a builtin type mixed in.
import json, copy
class Registry(dict):
    def total(self):
        return sum(self.values())
d = Registry(a=1)
d['b'] = 2
print(d.total(), d, isinstance(d, dict), issubclass(Registry, dict), type(d).__name__)
print(Registry.__mro__, Registry.__bases__)
print(len(d), 'a' in d, list(d), d.get('z', 9), d.keys(), sorted(d.items()))
print(json.dumps(d), dict(d), {**d}, d == {'a': 1, 'b': 2}, {'a': 1, 'b': 2} == d)
class Default(dict):
    def __missing__(self, key):
        self[key] = len(key)
        return self[key]
m = Default()
print(m['abc'], m, m.get('zz'))
class AttrDict(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)
    def __setattr__(self, name, value):
        self[name] = value
a = AttrDict(x=1)
a.y = 2
print(a.x, a.y, a)
try:
    a.nope
except AttributeError as e:
    print("AttributeError", e)
class Stack(list):
    def push(self, x):
        self.append(x)
    def peek(self):
        return self[-1]
s = Stack([1, 2])
s.push(3)
print(s, s.peek(), len(s), s + [4], [0] + s, s * 2, sum(s), sorted(s, reverse=True), s[1:], isinstance(s, list))
s += [5]
print(s, type(s).__name__, s == [1, 2, 3, 5], s.pop(), s, s.index(2))
for x in s:
    print(x, end=' ')
print()
class Tag(str):
    def shout(self):
        return self.upper() + '!'
t = Tag('hi')
print(t, t.shout(), len(t), t + ' there', 'oh ' + t, t == 'hi', {'hi': 1}[t], f'<{t}>', '%s' % t, repr(t), isinstance(t, str), t.split('i'))
print(hash(t) == hash('hi'), t[0], t * 2, sorted([Tag('b'), Tag('a')]))
class Upper(str):
    def __new__(cls, value):
        return super().__new__(cls, value.upper())
print(Upper('abc'), type(Upper('abc')).__name__)
class Meters(float):
    def __repr__(self):
        return f'{float(self)} m'
x = Meters(2.5)
print(x, repr(x), x + 1, 2 * x, x > 2, isinstance(x, float), round(x), int(x), f'{x:.2f}')
class Level(int):
    pass
l = Level(3)
print(l, l + 1, l * 2, l == 3, {3: 'three'}[l], l < 5, bin(l), isinstance(l, int), abs(-l), l // 2, -l)
class Pair(tuple):
    def swap(self):
        return Pair((self[1], self[0]))
p = Pair((1, 2))
print(p, p.swap(), len(p), p[0], p + (3,), p == (1, 2), {(1, 2): 'x'}[p], isinstance(p, tuple))
a1, b1 = p
print(a1, b1)
class Bag(set):
    pass
bg = Bag([1, 2, 3])
bg.add(4)
print(sorted(bg), 3 in bg, bg & {1, 2}, isinstance(bg, set), len(bg))
c = copy.copy(d); c['z'] = 0
print(d, c, type(c).__name__)
dc = copy.deepcopy(s)
dc.append(99)
print(s, dc)
class Counted(list):
    def __init__(self, items, label):
        super().__init__(items)
        self.label = label
cc = Counted([3, 1, 2], 'nums')
cc.sort()
print(cc, cc.label)
print(Registry.fromkeys('ab', 0), type(Registry.fromkeys('ab')).__name__)
match s:
    case [1, *rest]:
        print("seq", rest)
match d:
    case {'a': v}:
        print("map", v)
try:
    s.nonexistent
except AttributeError as e:
    print(e)
class AttrDict(dict):
    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__
a = AttrDict(x=1)
a.y = 2
print(a.x, a.y, a)
del a.x
print(a)
class Config(dict):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.setdefault('debug', False)
    def __setitem__(self, k, v):
        super().__setitem__(k.lower(), v)
c = Config(Name='x')
c['HOST'] = 'h'
c.update(PORT=1)
print(c, c['host'])
class Vec(list):
    def __repr__(self):
        return 'Vec(' + super().__repr__() + ')'
    def __add__(self, other):
        return Vec(x + y for x, y in zip(self, other))
print(Vec([1, 2]) + Vec([3, 4]), str(Vec([1])), [Vec([1])])
class Caseless(str):
    def __eq__(self, other):
        return self.lower() == other.lower()
    def __hash__(self):
        return hash(self.lower())
print(Caseless('AbC') == 'abc', 'x' in [Caseless('X')])
import enum
class Color(str, enum.Enum):
    RED = 'r'
    GREEN = 'g'
print(Color.RED, Color.RED.value, Color('g'), Color.RED == 'r', isinstance(Color.RED, str))
class Flags(int, enum.Enum):
    A = 1
    B = 2
print(Flags.A, Flags.B.value, Flags(2))
print(repr(Color.RED), f'{Color.RED}', Color.RED.upper(), {'r': 1}[Color.RED], len(Color.GREEN), list(Color), Color.RED + '!')
print(repr(Flags.A), Flags.A + 1, Flags.B * 3, {1: 'x'}[Flags.A], f'{Flags.B}', Flags.A < Flags.B, sorted([Flags.B, Flags.A]))
class Weekday(int, enum.Enum):
    MON = 1
    TUE = 2
    def is_first(self):
        return self == 1
print(Weekday.MON.is_first(), Weekday(2).name, Weekday.TUE.value + 1)
