import json
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
def encode(o):
    if isinstance(o, Point):
        return {'x': o.x, 'y': o.y}
    if isinstance(o, set):
        return sorted(o)
    raise TypeError('cannot encode ' + type(o).__name__)
print(json.dumps({'p': Point(1, 2), 's': {3, 1, 2}}, default=encode))
print(json.dumps([Point(0, 0)], default=lambda o: o.__class__.__name__))
try:
    json.dumps({'p': Point(1, 2)})
except TypeError as e:
    print('TypeError', e)
try:
    json.dumps({(1, 2): 'tuple key'})
except TypeError as e:
    print('TypeError', e)
print(json.dumps({(1, 2): 'skipped', 'kept': 1}, skipkeys=True))
try:
    json.dumps([float('nan')], allow_nan=False)
except ValueError as e:
    print('ValueError', e)
loop = []
loop.append(loop)
try:
    json.dumps(loop)
except ValueError as e:
    print('ValueError', e)
class Enc(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Point):
            return [o.x, o.y]
        return super().default(o)
print(json.dumps({'pt': Point(5, 6)}, cls=Enc), Enc(indent=1).encode([1]))
print(json.loads('{"a": {"b": 1}}', object_hook=lambda d: sorted(d.items())), json.loads('[1, 2.5]', parse_float=str, parse_int=lambda s: int(s) * 10))
print(json.loads('{"x": 1, "y": 2}', object_pairs_hook=list))
