# json.dumps over plain data with every encoder option (the Rust fast path) and the cases it
# leaves to the Python encoder: cycles, default, subclasses, refused or unsortable keys.
import json
docs = [
    None, True, False, 0, -7, 2**70, -(2**65), 1.5, 1e300, -0.0, 1/3, 'a"b\\c\n\t\u00e9\U0001f600',
    [], {}, (), [1, [2, [3, []]], {}], (1, 2), {'b': 1, 'a': [1, 2, {'c': None}]},
    {1: 'int', 2.5: 'float', True: 'bool', None: 'none', 'x': 'str', 10**30: 'big'},
    {'z': {'y': {'x': [1.0, 2e-10, float('1e16')]}}},
    [float('nan'), float('inf'), -float('inf')],
]
for d in docs:
    print(json.dumps(d))
    print(json.dumps(d, indent=2))
    print(json.dumps(d, indent='\t', separators=(',', ':')))
    print(json.dumps(d, ensure_ascii=False))
    print(json.dumps(d, separators=(',', ':')))
    try:
        print(json.dumps(d, sort_keys=True))
    except TypeError as e:
        print('TypeError', e)
    try:
        print(json.dumps(d, allow_nan=False))
    except ValueError as e:
        print('ValueError', e)
print(json.dumps({(1, 2): 3, 'a': 1}, skipkeys=True))
try:
    json.dumps({(1, 2): 3})
except TypeError as e:
    print('TypeError', e)
try:
    json.dumps({(1, 2): 3, 'a': 1}, skipkeys=True, sort_keys=True)
except TypeError as e:
    print('TypeError', e)
print(json.dumps({'b': 1, 'a': 2, 'c': {'z': 1, 'y': 2}}, sort_keys=True, indent=3))
a = [1]
a.append(a)
try:
    json.dumps(a)
except ValueError as e:
    print('ValueError', e)
shared = [1, 2]
print(json.dumps([shared, shared, {'k': shared}]))
print(json.dumps({1, 2} and [set() is not None]))
try:
    json.dumps({1, 2})
except TypeError as e:
    print('TypeError', e)
print(json.dumps([{1, 2}], default=sorted))
class E(json.JSONEncoder):
    def default(self, o):
        return list(o)
print(E().encode({'s': frozenset([3])}))
deep = []
cur = deep
for i in range(150):
    nxt = []
    cur.append(nxt)
    cur = nxt
print(len(json.dumps(deep)))
print(json.loads(json.dumps(docs[-3], indent=1)) == docs[-3])
