from collections import deque
d = deque()
for i in range(5):
    d.append(i)
    d.appendleft(-i)
print(d, len(d))
print(d.pop(), d.popleft(), d)
d.extend([10, 11]); d.extendleft([20, 21]); print(d)
d.rotate(3); print(d)
d.rotate(-5); print(d)
print(d[0], d[-1], d[3], 11 in d, 99 in d, d.count(0), d.index(10))
d[2] = 'x'; del d[0]; print(d)
d.remove('x'); d.reverse(); print(d, list(reversed(d)))
d.insert(1, 'ins'); print(d)
e = d.copy(); e.clear(); print(e, bool(e), bool(d))
try:
    deque().pop()
except IndexError as ex:
    print('IndexError', ex)
try:
    deque().popleft()
except IndexError as ex:
    print('IndexError', ex)
print(deque('abc') == deque('abc'), deque([1]) + deque([2, 3]), deque([1, 2]) * 2)
