import heapq
import random
rng = random.Random(5)
events = []
for i in range(20):
    heapq.heappush(events, (rng.randint(0, 100), i, 'arrive'))
served = []
busy_until = 0
while events:
    t, i, kind = heapq.heappop(events)
    if kind == 'arrive':
        start = max(t, busy_until)
        busy_until = start + rng.randint(1, 6)
        heapq.heappush(events, (busy_until, i, 'leave'))
    else:
        served.append((i, t))
print(served[:6], len(served), busy_until)
