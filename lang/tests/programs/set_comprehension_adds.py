# Set comprehensions: ints and bools take the in-frame loop's path, everything else the general
# one; a set's print order is CPython's table order, so the hashes must be CPython's.
print({i % 7 for i in range(20)})
print({x > 2 for x in range(5)}, {True for _ in range(3)}, {False, 0})
print({i for i in [1, True, 1.0, 0, False, 0.0]})
print({-1 for _ in range(3)}, {-2 for _ in range(2)}, {-1, -2})
print({i * 1000003 for i in range(-5, 5)})
print({(1 << 62) + i for i in range(3)}, {-(1 << 63) + i for i in range(3)})
print({2 ** 61 - 1 + i for i in range(-2, 3)})
big = {2 ** 70 + i for i in range(3)}
print(len(big), sorted(big))
mixed = {v for v in [3, 2.5, (1, 2), 3, -0.0, None, 2.5]}
print(len(mixed), 3 in mixed, 0 in mixed, None in mixed)
print(sorted({(i, j) for i in range(3) for j in range(2) if i != j}))
words = "the quick brown fox jumps over the lazy dog".split()
print(sorted({len(w) for w in words}), {len(w) for w in words})
print({ord(c) - 96 for c in "abracadabra"})

class Loud:
    def __hash__(self):
        return 7
    def __eq__(self, other):
        return isinstance(other, Loud)

print(len({Loud() for _ in range(4)}), len({x for x in [1, Loud(), 1, Loud()]}))
try:
    {[i] for i in range(2)}
except TypeError as e:
    print("TypeError:", e)
n = 0
s = set()
for k in range(1, 2000, 3):
    s |= {k * j % 101 for j in range(5)}
    n += len(s)
print(n, len(s), min(s), max(s))
