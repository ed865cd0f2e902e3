import copy
from collections import deque, Counter, defaultdict, OrderedDict
d = deque([[1], [2]], maxlen=5)
dc = copy.deepcopy(d)
dc[0].append(99)
print(d, dc, dc.maxlen)
c = Counter('aab')
cc = copy.copy(c)
cc['a'] += 5
print(c, cc)
dd = defaultdict(list, {'k': [1]})
ddc = copy.deepcopy(dd)
ddc['k'].append(2)
ddc['new'].append(3)
print(dd, ddc)
od = OrderedDict(a=[1])
odc = copy.deepcopy(od)
odc['a'].append(2)
print(od, odc)
m = {'set': {1, 2}, 'fs': frozenset([3]), 'tuple': (1, [2]), 'str': 'x'}
mc = copy.deepcopy(m)
mc['set'].add(9)
mc['tuple'][1].append(9)
print(m, mc)
