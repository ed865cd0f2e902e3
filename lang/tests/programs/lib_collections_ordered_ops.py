from collections import OrderedDict, defaultdict, ChainMap
od = OrderedDict()
for word in 'the quick brown the lazy quick the'.split():
    od[word] = od.get(word, 0) + 1
print(od, list(od.items())[0])
od.move_to_end('the', last=False)
print(list(od))
k, v = od.popitem()
print(k, v, od, len(od), 'brown' in od)
dd = defaultdict(lambda: 'n/a')
dd['x'] = 1
print(dd['x'], dd['y'], sorted(dd.keys()), dd.get('z'), 'z' in dd)
layers = ChainMap({'debug': True}, {'debug': False, 'level': 3})
print(layers['debug'], layers['level'], layers.new_child()['level'], len(layers.parents))
