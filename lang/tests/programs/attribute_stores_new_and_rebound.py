# New instance attributes beside class attributes, properties, __slots__, __setattr__ hooks, object() and exceptions.
class P:
    def __init__(self, x):
        self.x = x
        self.y = x * 2
class Q:
    count = 0
    def __init__(self):
        self.count = 5
class R:
    @property
    def v(self):
        return self._v
    @v.setter
    def v(self, val):
        self._v = val * 10
    def __init__(self):
        self.v = 3
class S:
    __slots__ = ('a',)
    def __init__(self):
        self.a = 1
        try:
            self.b = 2
        except AttributeError as e:
            print('slots', e)
class H:
    def __setattr__(self, k, v):
        print('hook', k, v)
        object.__setattr__(self, k, v)
    def __init__(self):
        self.z = 9
o = object()
try:
    o.q = 1
except AttributeError as e:
    print('object', e)
p = P(2); q = Q(); r = R(); s = S(); h = H()
print(p.x, p.y, vars(p), q.count, Q.count, r.v, r._v, s.a, h.z, vars(h))
class F(ValueError):
    def __init__(self, m):
        super().__init__(m)
        self.m = m
try:
    raise F('bad')
except F as e:
    print(e.m, e.args)
