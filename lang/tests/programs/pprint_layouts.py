# pprint: the layouts of CPython 3.11 (widths, depths, compact, indent, sort_dicts, underscore
# numbers) for every container pprint splits, and its one-line helpers.
import sys
import pprint
from collections import OrderedDict, defaultdict, Counter, deque
from dataclasses import dataclass, field

data = {'name': 'slnode', 'nodes': [{'id': i, 'addr': '127.0.0.%d' % i, 'tags': ['a' * i, 'b', 'c'], 'load': i / 7} for i in range(1, 6)],
        'matrix': [[i * j for j in range(12)] for i in range(6)], 'empty': {}, 'e2': [], 't': (1,), 'set': set(range(30)), 'fs': frozenset({3, 1, 2}),
        'text': 'The quick brown fox jumps over the lazy dog. ' * 4, 'multi': 'line one\nline two is here\n' * 3, 'bytes': bytes(range(40)), 'none': None, 'b': True}
pprint.pprint(data)
pprint.pprint(data, width=40)
pprint.pprint(data, width=120, compact=True)
pprint.pprint(data, indent=4, width=60)
pprint.pprint(data, depth=2)
pprint.pprint(data, sort_dicts=False, width=50)
print(pprint.pformat(list(range(100)), compact=True))
print(pprint.pformat(list(range(40))))
pprint.pp({'z': 1, 'a': [1, 2, 3] * 20})
pprint.pprint(OrderedDict((str(i), i * 1000) for i in range(12)))
dd = defaultdict(list)
for i in range(15):
    dd[i % 4].append('item%d' % i)
pprint.pprint(dd)
pprint.pprint(Counter('abracadabra simsalabim hocus pocus'))
pprint.pprint(deque(range(40)))
pprint.pprint(deque(range(40), maxlen=50))

@dataclass
class Point:
    x: int
    y: int
    label: str = 'origin'
    history: list = field(default_factory=list)

p = Point(1, 2, 'a long label that will not fit on one line at all', list(range(30)))
pprint.pprint(p)
pprint.pprint([p, p], width=60)
print(pprint.saferepr({'b': 2, 'a': [1, (2,)]}), pprint.isreadable([1, 2]), pprint.isreadable(p), pprint.isrecursive([1]))
l = [1, 2]
l.append(l)
print(pprint.isrecursive(l), pprint.saferepr(l)[:20])
pprint.pprint(12345678, underscore_numbers=True)
pprint.pprint({'k': [12345678, 2 ** 70]}, underscore_numbers=True)
pprint.pprint({(1, 2): 'a', 'x': 1, 3: 'c'} if False else {'x': 1, 'y': {'deep': {'deeper': {'deepest': list(range(25))}}}})
pprint.pprint(['x' * 100])
pprint.pprint('short')
pprint.pprint('a' * 200)
pprint.pprint(b'abc' * 40, width=30)
pp = pprint.PrettyPrinter(indent=2, width=30)
pp.pprint(list(range(12)))
print(pp.pformat({'a': 1}))
pprint.pprint({3: 'c', 1: 'a', 'b': 2, (1,): 'tuple'} if False else {3: 'c', 1: 'a', 2: 'b'})
words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split()
nested = [[w * 3 for w in words[:i]] for i in range(8)]
pprint.pprint(nested, compact=True, width=50)
pprint.pprint(nested, width=50)
pprint.pprint((list(range(30)),), width=40)
pprint.pprint([{'key %d' % i: ['v' * i] * 3} for i in range(6)], width=45)
pprint.pprint({'a long key name that goes on': 'value ' * 12, 'k2': ('tuple', 'of', 'strings ' * 5)})
pprint.pprint(set(words), width=60)
pprint.pprint(frozenset(words), width=60)
pprint.pprint([3, 'a', 2.5, None, (1, 2), 'b'] * 5, width=30)
pprint.pprint({1: 'one', 'two': 2, 3.5: [1, 2], None: 'n'} if False else {1: 'x' * 40, 2: 'y' * 40, 3: 'z'})
pprint.pprint(['a b c d e f g h i j k l m n o p q r s t u v w x y z ' * 3], width=40)
pprint.pprint('word ' * 40, width=30)
pprint.pprint({'s': 'word ' * 40}, width=30)
pprint.pprint([[[[[[list(range(10))]]]]]], width=20)
pprint.pprint([[[[[[list(range(10))]]]]]], depth=3)
pprint.pprint({'a': {'b': {'c': {}}}}, depth=1)
pprint.pprint([], width=1)
pprint.pprint([[]] * 5, width=5)
pprint.pprint(list(range(10)), stream=sys.stdout, width=10, indent=3)
for bad in [dict(indent=-1), dict(width=0), dict(depth=0)]:
    try:
        pprint.PrettyPrinter(**bad)
    except ValueError as e:
        print('ValueError', e)
print(pprint.pformat({'x': (1,), 'y': (1, 2), 'z': ()}))
print(pprint.pformat([1.5, 1e20, -0.0, float('inf'), True, False, b'\x00\xff', 'quote\'s', "dq\""], width=20))
pprint.pprint(range(100))
class C:
    def __repr__(self):
        return 'C(' + 'x' * 90 + ')'
pprint.pprint([C(), C()])
print(pprint.isreadable(C()), pprint.isreadable(object.__new__(object) if False else 3))
for n in (5, 7, 43, 61):
    for w in (12, 20, 30):
        pprint.pprint(bytes(range(n)), width=w)
        pprint.pprint([bytes(range(n))], width=w)
        pprint.pprint('ab cd ef gh ij ' * (n // 5), width=w)
        pprint.pprint({'k': 'x y z ' * (n // 4)}, width=w)
