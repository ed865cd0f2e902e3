class Thing:
    pass

a = Thing()
b = a
c = Thing()
print(a is b, a is c, a is not c, a == b, a == c)
xs = [1, 2]
ys = xs
zs = list(xs)
print(xs is ys, xs is zs, xs == zs)
print(None is None, type(None) is type(None))
d = {a: "first", c: "second"}
print(d[a], d[b], len(d))
s = {a, b, c}
print(len(s))
