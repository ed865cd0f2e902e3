# A long-running simulation whose Random and deque live across many snapshots.
import random
from collections import deque
rng = random.Random(2718)
trail = deque(maxlen=10)
pos = 0
visits = {}
for step in range(5000):
    pos += rng.choice((-1, 1))
    trail.append(pos)
    visits[pos] = visits.get(pos, 0) + 1
print(pos, list(trail), max(visits, key=visits.get), len(visits), rng.random())
