import json
def build(depth):
    if depth == 0:
        return [depth, 'leaf', 1.25, None]
    return {'depth': depth, 'children': [build(depth - 1), build(depth - 1)] if depth < 3 else [build(depth - 1)]}
tree = build(4)
s = json.dumps(tree)
print(len(s), s[:90])
print(json.loads(s) == tree)
print(json.dumps(tree, separators=(',', ':'))[:80])
deep = json.loads('[' * 50 + '1' + ']' * 50)
d = deep
n = 0
while isinstance(d, list):
    d = d[0]
    n += 1
print(n, d)
print(json.loads(' \n\t[1 ,\n 2 ] \n'), json.loads('{"a" :{"b":{}}}'), json.loads('"\\ud834\\udd1e"') == '\U0001D11E')
print(json.dumps([[], {}, [[]], {'a': {}}], indent=3))
