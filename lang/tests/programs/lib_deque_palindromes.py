from collections import deque
def is_pal(s):
    d = deque(c.lower() for c in s if c.isalnum())
    while len(d) > 1:
        if d.popleft() != d.pop():
            return False
    return True
for s in ['A man, a plan, a canal: Panama', 'race a car', '', 'No lemon, no melon']:
    print(repr(s), is_pal(s))
def josephus(n, k):
    d = deque(range(1, n + 1))
    order = []
    while d:
        d.rotate(-(k - 1))
        order.append(d.popleft())
    return order
print(josephus(7, 3), josephus(10, 2)[-1])
hist = deque(maxlen=4)
for cmd in ['ls', 'cd /', 'pwd', 'echo hi', 'cat f', 'exit']:
    hist.append(cmd)
print(list(hist), hist[0], hist[-1])
