# `a, b = b, a` and three-way forms compile to stack moves: order of evaluation and stores, errors midway.
a, b = 1, 2
a, b = b, a
print(a, b)
x = [1, 2, 3]
x[0], x[2] = x[2], x[0]
print(x)
p, q, r = 'p', 'q', 'r'
p, q, r = r, p, q
print(p, q, r)
[m, n] = [n2 := 5, 6]
print(m, n, n2)
class O: pass
o = O()
o.a, o.b = 1, o
print(o.a, o.b is o)
def g():
    i, j = 0, 1
    for _ in range(10):
        i, j = j, i + j
    return i, j
print(g())
try:
    a, b = 1, undefined_name
except NameError as e:
    print('NameError', e, a, b)
try:
    x[5], a = 9, 10
except IndexError as e:
    print('IndexError', e, a)
def order():
    log = []
    def v(n):
        log.append(n); return n
    class T:
        def __setitem__(self, k, val):
            log.append(('set', k, val))
    t = T()
    t[v('k1')], t[v('k2')] = v(1), v(2)
    print(log)
order()
