class P:
    kind = "p"

    def __init__(self, x):
        self.x = x
        self.y = 2

    def m(self):
        return self.x


p = P(1)
print(vars(p))
print(p.__dict__ is p.__dict__, vars(p) is p.__dict__)
p.__dict__["z"] = 3
print(p.z, p.m())
p.__dict__.update(w=4, x=10)
print(p.w, p.x, p.m())
p.q = 5
print(p.__dict__)
del p.y
print(sorted(p.__dict__), hasattr(p, "y"))
try:
    p.y
except AttributeError as e:
    print("AttributeError:", e)
print([k for k in dir(p) if not k.startswith("_")])
print(dir(p) == sorted(dir(p)), "__dict__" in dir(p), "m" in dir(P))


class Q(P):
    extra = 1


print([k for k in dir(Q(0)) if not k.startswith("__")])


class Config:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return "Config(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"


c = Config(a=1, b="x")
print(c, c.a, c.b)
c.a += 1
print(c.a, vars(c))
print([k for k in vars(P) if not k.startswith("_")], "m" in vars(P))


class E(ValueError):
    pass


print([k for k in dir(E("x")) if not k.startswith("__")])
print(dir(P()) if False else len(dir(P)) - len(dir(object())) if False else "ok")
import copy

d = copy.copy(c)
d.a = 100
print(c.a, d.a, vars(d))
for k, v in vars(c).items():
    print(k, v)
try:
    vars(1)
except TypeError as e:
    print("TypeError:", e)
