import bisect
import random
rng = random.Random(9)
edges = [0, 10, 20, 50, 100, 200]
data = [rng.expovariate(1 / 40) for _ in range(500)]
hist = [0] * (len(edges) + 1)
for x in data:
    hist[bisect.bisect_right(edges, x)] += 1
for i, n in enumerate(hist):
    lo = edges[i - 1] if i else '-inf'
    hi = edges[i] if i < len(edges) else 'inf'
    print('[%s, %s)' % (lo, hi), n, '#' * (n // 10))
