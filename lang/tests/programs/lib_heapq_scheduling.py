import heapq
tasks = [(3, 'write'), (1, 'plan'), (4, 'test'), (2, 'code'), (5, 'ship'), (1, 'coffee')]
heap = []
for t in tasks:
    heapq.heappush(heap, t)
print(heap)
order = [heapq.heappop(heap) for _ in range(len(heap))]
print(order)
data = [9, 5, 7, 1, 3, 8, 2]
heapq.heapify(data); print(data)
print(heapq.heapreplace(data, 6), data)
print(heapq.heappushpop(data, 0), heapq.heappushpop(data, 10), data)
print(heapq.nlargest(3, [4, 1, 9, 7, 3]), heapq.nsmallest(2, ['pear', 'fig', 'apple'], key=len))
print(list(heapq.merge([1, 4, 9], [2, 3, 10], [5])), list(heapq.merge(['b', 'd'], ['a', 'c'], reverse=False)))
print(list(heapq.merge([9, 4, 1], [8, 3], reverse=True)), list(heapq.merge(['aa', 'b'], ['ccc'], key=len)))
def kth_largest(nums, k):
    h = nums[:k]
    heapq.heapify(h)
    for n in nums[k:]:
        if n > h[0]:
            heapq.heapreplace(h, n)
    return h[0]
print(kth_largest([3, 2, 1, 5, 6, 4], 2), kth_largest([3, 2, 3, 1, 2, 4, 5, 5, 6], 4))
