d = {'b': 2, 'a': 1}
d['c'] = 3
print(d, list(d), list(d.values()), list(d.items()), len(d))
print(d.get('z'), d.get('z', 0), d.setdefault('a', 99), d.setdefault('d', 4), d)
print(d.pop('b'), d.pop('zz', 'none'), d.popitem(), d)
d.update({'x': 1}, y=2)
d.update([('z', 3)])
print(d, 'x' in d, 'q' not in d)
merged = {**d, 'a': 'new'}
print(merged, d | {'w': 0}, dict(zip('xyz', range(3))))
keys = d.keys()
d['late'] = True
print(keys, sorted(d.items())[:2])
counts = {}
for ch in 'banana':
    counts[ch] = counts.get(ch, 0) + 1
print(counts, max(counts, key=counts.get), {v: k for k, v in counts.items()})
print({1: 'int', 1.0: 'float', True: 'bool'})
nested = {'a': {'b': {'c': 1}}}
nested['a']['b']['d'] = 2
print(nested, [k for k in nested['a']['b']])
try:
    d['missing']
except KeyError as e:
    print('KeyError', e)
