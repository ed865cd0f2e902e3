# Removals leave holes that are squeezed out later: order, iteration, views, merges, pops,
# and equality must all look as in CPython whatever the holes (the harness also snapshots
# and restores between slices, holes included).

d = {i: i * i for i in range(200)}
for i in range(0, 200, 3):
    del d[i]
print(len(d), list(d)[:8], list(d)[-4:])
d[0] = "back"
d[3] = "again"
print(list(d.items())[-3:])
print(d.get(4), d.get(6, "gone"), 6 in d, 7 in d)

# Delete most of a big dict (squeezes several times), then grow it again.
big = {str(i): i for i in range(3000)}
for i in range(2990):
    big.pop(str(i))
print(big)
for i in range(5):
    big["new%d" % i] = -i
print(list(big.keys()))
print(sum(big.values()), len(big))

# Views and iterators see only live entries, in order.
v = {k: k for k in "abcdefghij"}
for k in "bdfh":
    del v[k]
print(list(v.keys()), list(v.values()), list(v.items())[:2])
print(list(reversed(v)), list(reversed(v.items()))[:2])
it = iter(v)
print(next(it), next(it))
del v["a"]
try:
    next(it)
except RuntimeError as e:
    print("RuntimeError:", e)

# popitem takes the newest live entry each time.
p = {i: str(i) for i in range(40)}
for i in range(10, 30):
    del p[i]
out = []
while p:
    out.append(p.popitem())
print(out[:5], len(out))

# Merges and comparisons of dicts with holes.
a = {i: i for i in range(30)}
b = {i: -i for i in range(20, 50)}
for i in range(0, 30, 2):
    del a[i]
for i in range(21, 50, 2):
    del b[i]
print(a | b)
c = dict(a)
c.update(b)
print(c == (a | b), list(c) == list(a | b))
e = {k: a[k] for k in reversed(list(a))}
print(e == a, list(e) == list(a))

# Sets with removals: membership, iteration and printing.
s = set(range(100))
for i in range(0, 100, 2):
    s.discard(i)
s.remove(99)
print(len(s), sorted(s)[:5], 98 in s, 97 in s)
print(s)
s2 = {x for x in range(64)}
for x in range(60):
    s2.remove(x)
print(s2, s2 | {1, 2}, s2 & {61, 62, 70})
while s2:
    s2.pop()
print(s2, len(s2))

# The same key deleted and re-added many times keeps one entry.
r = {"k": 0}
for i in range(1000):
    del r["k"]
    r["k"] = i
print(r, len(r))

# Keys removed and others added while iterating, the size unchanged: CPython notices once it
# finds more entries than it had (which ones it gave before is its table's business).
for n in (5, 10):
    moved = {i: i for i in range(n)}
    try:
        for k in moved:
            del moved[k]
            moved[k + 1000] = k
        print("no error")
    except RuntimeError as e:
        print(n, "RuntimeError:", e)
    print(len(moved))
