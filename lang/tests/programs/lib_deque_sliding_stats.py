from collections import deque
def sliding_sum(xs, k):
    window = deque()
    total = 0
    out = []
    for x in xs:
        window.append(x)
        total += x
        if len(window) > k:
            total -= window.popleft()
        if len(window) == k:
            out.append(total)
    return out
print(sliding_sum([1, 3, 5, 7, 9, 11], 3))
def rate_limit(events, per, limit):
    q = deque()
    decisions = []
    for t in events:
        while q and q[0] <= t - per:
            q.popleft()
        if len(q) < limit:
            q.append(t)
            decisions.append('ok')
        else:
            decisions.append('drop')
    return decisions
print(rate_limit([0, 1, 2, 3, 10, 11, 11, 11, 25], 10, 3))
d = deque(range(10))
d.rotate(4)
print(d, d.index(0), list(d)[2:5])
