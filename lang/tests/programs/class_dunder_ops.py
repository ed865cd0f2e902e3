class Vec:
    def __init__(self, *xs):
        self.xs = list(xs)
    def __add__(self, other):
        return Vec(*[a + b for a, b in zip(self.xs, other.xs)])
    def __sub__(self, other):
        return Vec(*[a - b for a, b in zip(self.xs, other.xs)])
    def __mul__(self, k):
        return Vec(*[a * k for a in self.xs])
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return Vec(*[-a for a in self.xs])
    def __eq__(self, other):
        return isinstance(other, Vec) and self.xs == other.xs
    def __len__(self):
        return len(self.xs)
    def __getitem__(self, i):
        return self.xs[i]
    def __setitem__(self, i, v):
        self.xs[i] = v
    def __contains__(self, v):
        return v in self.xs
    def __repr__(self):
        return "Vec(" + ", ".join(str(x) for x in self.xs) + ")"
    def __bool__(self):
        return any(self.xs)

a = Vec(1, 2, 3)
b = Vec(4, 5, 6)
print(a + b, b - a, a * 2, 3 * a, -a)
print(a == Vec(1, 2, 3), a != b, a == 5)
print(len(a), a[1], 2 in a, 9 in a)
a[0] = 100
print(a, bool(Vec(0, 0)), bool(a))
if Vec(0):
    print("truthy")
else:
    print("falsy")
c = a
c += b
print(c, a)
