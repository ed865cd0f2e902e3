class Vec:
    def __init__(self, *xs):
        self.xs = list(xs)
    def __repr__(self):
        return 'Vec(%s)' % ', '.join(map(str, self.xs))
    def __add__(self, o):
        return Vec(*[a + b for a, b in zip(self.xs, o.xs)])
    def __mul__(self, k):
        return Vec(*[a * k for a in self.xs])
    __rmul__ = __mul__
    def __neg__(self):
        return self * -1
    def __abs__(self):
        return sum(a * a for a in self.xs) ** 0.5
    def __eq__(self, o):
        return isinstance(o, Vec) and self.xs == o.xs
    def __hash__(self):
        return hash(tuple(self.xs))
    def __len__(self):
        return len(self.xs)
    def __getitem__(self, i):
        return self.xs[i]
    def __iter__(self):
        return iter(self.xs)
    def __contains__(self, x):
        return x in self.xs
    def __bool__(self):
        return any(self.xs)
v = Vec(3, 4)
w = Vec(1, 2)
print(v + w, v * 2, 3 * w, -v, abs(v), v == Vec(3, 4), len({v, Vec(3, 4), w}))
print(len(v), v[1], v[-1], list(v), 4 in v, bool(Vec(0, 0)), bool(v), v[0:1])
class Temp:
    def __init__(self, c):
        self._c = c
    @property
    def f(self):
        return self._c * 9 / 5 + 32
    @f.setter
    def f(self, value):
        self._c = (value - 32) * 5 / 9
    @classmethod
    def boiling(cls):
        return cls(100)
    @staticmethod
    def valid(c):
        return c >= -273.15
t = Temp.boiling()
print(t.f, Temp.valid(-300))
t.f = 32
print(t._c, round(Temp(37).f, 1))
