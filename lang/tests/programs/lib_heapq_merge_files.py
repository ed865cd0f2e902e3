import heapq
logs = [
    [(1, 'a', 'boot'), (5, 'a', 'ready'), (9, 'a', 'stop')],
    [(2, 'b', 'boot'), (3, 'b', 'ready'), (9, 'b', 'stop')],
    [(4, 'c', 'boot')],
]
for ts, host, event in heapq.merge(*logs):
    print(ts, host, event)
print(list(heapq.merge([5, 3, 1], [4, 2], reverse=True)), list(heapq.merge()), list(heapq.merge([], [1])))
h = [(-len(w), w) for w in ['a', 'bbb', 'cc', 'dddd']]
heapq.heapify(h)
print([heapq.heappop(h)[1] for _ in range(len(h))])
