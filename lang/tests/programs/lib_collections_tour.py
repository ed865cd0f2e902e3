import operator
from collections import deque, defaultdict, Counter, OrderedDict, namedtuple, ChainMap
print(operator.add(2, 3), operator.itemgetter(1)([4, 5]), operator.attrgetter('real')(3))
d = deque([1, 2, 3], maxlen=4)
d.appendleft(0); d.append(4); print(d, len(d), d[0], d[-1])
d.rotate(2); print(d, d.popleft(), d.pop(), list(d))
dd = defaultdict(list)
for w in "apple banana avocado cherry".split():
    dd[w[0]].append(w)
print(dd, dict(dd.items()))
c = Counter("mississippi")
print(c, c.most_common(2), c['z'], sorted(c.elements()))
P = namedtuple('Point', ['x', 'y'])
p = P(1, y=2)
print(p, p.x, p[1], p._asdict(), p._replace(x=5), type(p).__name__)
x, y = p
print(x + y, p == (1, 2))
od = OrderedDict(a=1, b=2); od.move_to_end('a'); print(od, list(od))
cm = ChainMap({'a': 1}, {'a': 2, 'b': 3}); print(cm['a'], cm['b'], len(cm), cm)
