# enumerate/zip/iter over lists, tuples, strs and dicts, a list growing while enumerated, identity tests.
a = [1, 2, 3]
b = (4, 5)
it = iter(a)
print(list(zip(it, b)), list(it))
for i, x in enumerate(a):
    if i == 0:
        a.append(9)
    print(i, x)
e = enumerate(b, 5)
print(next(e), list(e))
for p in zip(a, a, a, a, a):
    print(p)
for p in zip():
    print(p)
print(list(zip('ab', [1, 2])))
s1 = 'abc'
s2 = s1
print(s1 is s2, None is None, s1 is not None)
t = ()
x = 3
tt = (x,)
print(tt, t, (x, x, x))
for q in iter(range(3)):
    print(q)
g = (i for i in range(3))
print(iter(g) is g)
d = {1: 2}
for k, v in enumerate(d):
    print(k, v)
import sys
print(sys.getrecursionlimit() > 0)
s = 'hello'
for i, c in enumerate(s):
    pass
print(i, c)
it = iter([1, 2, 3, 4, 5, 6, 7])
for pair in zip(it, it):
    print('chunk', pair)
it = iter('abcdefg')
print([t for t in zip(it, it, it)], list(it))
