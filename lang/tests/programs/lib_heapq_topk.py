import heapq
scores = {'ann': 88, 'bob': 95, 'cy': 70, 'dee': 95, 'eve': 60, 'fay': 99}
print(heapq.nlargest(3, scores, key=scores.get), heapq.nsmallest(2, scores.items(), key=lambda kv: kv[1]))
stream = [5, 12, 3, 8, 21, 7, 15, 1, 9]
top = []
for x in stream:
    if len(top) < 3:
        heapq.heappush(top, x)
    elif x > top[0]:
        heapq.heapreplace(top, x)
print(sorted(top, reverse=True))
median_lo, median_hi = [], []
medians = []
for x in stream:
    heapq.heappush(median_lo, -x)
    heapq.heappush(median_hi, -heapq.heappop(median_lo))
    if len(median_hi) > len(median_lo):
        heapq.heappush(median_lo, -heapq.heappop(median_hi))
    medians.append(-median_lo[0] if len(median_lo) > len(median_hi) else (-median_lo[0] + median_hi[0]) / 2)
print(medians)
events = [(3, 'c'), (1, 'a'), (2, 'b'), (1, 'z')]
heapq.heapify(events)
print([heapq.heappop(events) for _ in range(4)])
