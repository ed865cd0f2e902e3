from collections import deque
window = deque(maxlen=3)
for x in [5, 1, 4, 2, 8, 7]:
    window.append(x)
    print(list(window), sum(window) / len(window))
print(window, window.maxlen)
window.appendleft(0); print(window)
window.extend(range(10)); print(window)
def moving_max(seq, k):
    q = deque()
    out = []
    for i, v in enumerate(seq):
        while q and seq[q[-1]] <= v:
            q.pop()
        q.append(i)
        if q[0] <= i - k:
            q.popleft()
        if i >= k - 1:
            out.append(seq[q[0]])
    return out
print(moving_max([1, 3, -1, -3, 5, 3, 6, 7], 3))
tail = deque(['l1', 'l2', 'l3', 'l4'], maxlen=2)
print(tail)
