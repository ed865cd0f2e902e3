# Sets keep CPython's hash table: the dummies removals leave, the dummy a later add reuses (the
# last one on its probe path), the finger pop() walks on from, the table sizes copy() and merges
# give, and the order constant displays are built in.

# A removed slot is reused by the next add on its path.
s = {2}
s.add(1)
s.remove(1)
s.add(9)
print(s)

# Dummies in slots 1..7, slot 8 empty: the last dummy is reused.
c = {0.5, 32, 96, 24, 256, 9, 0, -(2**62), 256, 9, 9, 3, 64, 7}
for x in list(c):
    if x != 0.5:
        c.discard(x)
c.add(1)
c.add(96)
print(c)
e = set()
e.add(1); e.add(6); e.add(2); e.discard(1); e.discard(6); e.add(9)
print(e)

# pop() walks on from where the last one stopped, also after an add behind it.
s = set(range(5))
print(s.pop(), s.pop())
s.add(0)
print(s.pop(), s)
s.clear()
s.update(range(8))
print(s.pop(), s.pop(), s)

# Draining a worklist with pop() (O(1) each).
todo = set(range(0, 60000, 7))
total = 0
order = []
while todo:
    n = todo.pop()
    total += n
    if len(order) < 12:
        order.append(n)
    if n % 1000 == 3:
        todo.add(n + 1)
print(total, order)

# Pops after removals and re-adds.
s = {(i * 37) % 101 for i in range(60)}
for i in range(0, 101, 3):
    s.discard(i)
for i in range(200, 230):
    s.add(i)
print([s.pop() for _ in range(10)], sorted(s)[:5], list(s)[:10])

# copy() sizes its table afresh; a set that once grew keeps its big table.
big = set(range(40))
for i in range(37):
    big.discard(i)
small = big.copy()
big.add(64)
small.add(64)
big.add(128)
small.add(128)
print(big, small)

# Merges walk the other set's table; a dict's keys are added in the dict's order after one
# resize.
a = {5, 13, 21}
a.update({29, 37, 45, 53})
print(a)
d = dict.fromkeys([64, 0, 32, 96, 128, 8])
print(set(d), set(list(d)), {*d})

# difference_update rebuilds the table once over a quarter of it is dummies.
s = set(range(32))
s -= set(range(0, 32, 2))
s.add(64)
s.add(32)
print(s)
s = set(range(32))
s.difference_update([1, 3])
s.add(33)
print(s)

# Intersections walk the smaller set (the right one on a tie), keeping its elements.
x = {1, 2.0, 3, 40, 72}
y = {1.0, 2, 72, 8, 9, 10, 11}
print(x & y, y & x, x.intersection(y, [72, 1]), x.intersection([72, 1.0]))
print(x - y, y - x, x ^ y, y ^ x, x | y, y | x)
print(x.symmetric_difference([8, 8, 40]), x.difference([], {1}))

# In-place operators change the set every name sees; a frozenset is rebound instead.
a = {1, 2, 3}
alias = a
a |= {4}
a &= {1, 2, 4, 8}
a -= {2}
a ^= {8, 1}
print(alias, alias is a)
a = {1, 2}
a &= a
a |= a
print(a)
a ^= a
print(a)
f = frozenset({1})
g = f
f |= {2}
print(g, f, f is g)
lst = [1, 2]
same = lst
lst *= 2
print(same)
dd = {1: 2}
alias_d = dd
dd |= {3: 4}
print(alias_d)
fs = frozenset({3, 1})
print(fs.copy() is fs, set(fs).copy() is fs)

# Displays of constants are built from a frozenset; others add their items in order.
print({24, 24, 64}, {1, 64, 0, 7, 8, 3, -2, 5, -1, 7})
n = -1
print({1, 64, 0, 7, 8, 3, -2, 5, n, 7}, {-2, n, 2**61, 2**100, 0.5, 1})
print({-(2**62), -1, 2 ** 61, (1, 2), 1e20, -1.5, 1 << 70, 7 // 2, 7 % 3, ~5})
print([x for x in {5, 13}], [x for x in {5, 13, 21, 29}], list(x for x in {5, 13}))
for x in {5, 13, 21}:
    print(x, end=' ')
print()
print({*{1: 0, 17: 0, 2: 0, 3: 0, 4: 0}}, {*[1, 17, 2, 3, 4]}, {0, *{9, 1}, 17})
d = {1: 0, 17: 0, 2: 0, 3: 0, 4: 0}
print(d.keys() | set(), {1} | {17: 0, 2: 0, 3: 0, 4: 0}.keys(), d.keys() & {17, 3}, {17, 3, 99} & d.keys())
print(d.keys() - {2}, d.keys() ^ {2, 99}, d.items() | {(1, 0)}, type(frozenset({1}) | d.keys()).__name__, [1, 17] | d.keys())
print(d.keys() & [3, 17, 1], d.items() & d.items(), d.keys() & d.keys())
e = {1: 2}
f = e
e |= [(3, 4)]
e |= {5: 6}.items()
print(f)
try:
    e |= 5
except TypeError as err:
    print(err)
s = {1, 2, 3}
s.pop(); s.pop(); s.clear(); s.update({0, 1, 2, 3, 4}); print(s.pop())
s = {'a', 'b', 'c'}
n = 0
while s:
    s.pop(); n += 1
print(n)
try:
    s = {1}
    s |= [1]
except TypeError as err:
    print(err)
# A set emptied by pop() whose merge resize drops its dummies takes the other's layout.
b = {(1, 2)}
b.pop()
b.update({-1, -2, 2, 8, 2**61})
print(list(b))
