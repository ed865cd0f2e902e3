import itertools, functools, heapq, bisect, copy, string, json, random
from itertools import count, islice, chain, groupby, permutations, combinations, product, accumulate, zip_longest, starmap, takewhile, dropwhile, cycle, repeat, compress, tee, pairwise, filterfalse
print(list(islice(count(5, 2), 4)), list(chain([1], (2, 3))), list(chain.from_iterable(['ab', 'c'])))
print([(k, list(g)) for k, g in groupby('aabbbc')], list(permutations([1, 2, 3], 2))[:4], len(list(combinations(range(6), 3))))
print(list(product('ab', repeat=2)), list(accumulate([1, 2, 3, 4], lambda a, b: a * b)), list(zip_longest([1, 2], 'abc', fillvalue=0)))
print(list(starmap(pow, [(2, 3), (3, 2)])), list(takewhile(lambda x: x < 3, [1, 2, 3, 1])), list(dropwhile(lambda x: x < 3, [1, 2, 3, 1])))
print(list(islice(cycle('ab'), 5)), list(repeat(7, 3)), list(compress('abcd', [1, 0, 1, 0])), list(pairwise([1, 2, 3])), list(filterfalse(None, [0, 1, 2, 0])))
print(functools.reduce(lambda a, b: a + b, [1, 2, 3], 10))
@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), fib.cache_info())
@functools.cache
def sq(x):
    return x * x
print(sq(4), sq(4), sq.cache_info().hits)
p = functools.partial(int, 2)
print(p(), functools.partial(pow, 2)(10))
def deco(f):
    @functools.wraps(f)
    def inner(*a):
        return f(*a)
    return inner
@deco
def hello(x):
    return x
print(hello.__name__, hello(3), hello.__wrapped__(4))
print(sorted([3, 1, 2], key=functools.cmp_to_key(lambda a, b: b - a)))
@functools.total_ordering
class V:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        return self.v == o.v
    def __lt__(self, o):
        return self.v < o.v
print(V(1) <= V(2), V(3) >= V(2), V(1) > V(2))
h = []
for x in [5, 1, 8, 3, 9, 2]:
    heapq.heappush(h, x)
print(h, heapq.heappop(h), h, heapq.nlargest(2, [5, 1, 8]), heapq.nsmallest(2, [5, 1, 8]), list(heapq.merge([1, 4], [2, 3])))
l = [9, 4, 7, 1, 3]; heapq.heapify(l); print(l)
a = [1, 2, 4, 4, 8]
print(bisect.bisect_left(a, 4), bisect.bisect_right(a, 4), bisect.bisect(a, 5)); bisect.insort(a, 3); print(a)
x = [[1, 2], {'a': [3]}]
y = copy.deepcopy(x); y[0].append(9); y[1]['a'].append(9); print(x, y)
z = copy.copy(x); z[0].append(7); print(x)
print(string.ascii_letters, string.digits, string.punctuation, string.capwords('hello  world'))
print(json.dumps({'a': [1, 2.5, None, True], 'b': 'é"\n'}), json.dumps([1, {'x': 2}], indent=2), json.dumps({'b': 1, 'a': 2}, sort_keys=True, separators=(',', ':')))
print(json.loads('{"a": [1, 2.5, null, true, "x\\u00e9"], "n": -12345678901234567890}'))
for bad in ['', '[1,', '{"a" 1}', '[1 2]', '"abc', '{"a":1,}', 'nul', '[1] x', '"\\q"', '{1:2}']:
    try:
        json.loads(bad)
    except json.JSONDecodeError as e:
        print(repr(bad), e, e.pos, e.lineno, e.colno)
random.seed(42)
print(random.random(), random.randint(1, 100), random.randrange(0, 100, 7), random.choice('abcdef'), random.uniform(1, 2))
l = list(range(10)); random.shuffle(l); print(l, random.sample(range(100), 5), random.choices('abc', k=5), random.choices('abc', weights=[1, 2, 3], k=4))
print(random.gauss(0, 1), random.getrandbits(70), random.getrandbits(5))
r = random.Random(12345); print([r.randint(0, 9) for _ in range(10)], r.random())
random.seed(2**100 + 7); print(random.random(), random.sample(range(10000), 3))
