# Instantiation: no __init__, inherited and super() __init__, __init__ returning a value or a generator, __new__, dict and exception bases, defaults, metaclasses.
class A:
    pass
class B:
    def __init__(self, x, y):
        self.x = x; self.y = y
class C(B):
    pass
class D(B):
    def __init__(self, x):
        super().__init__(x, x)
class E:
    def __init__(self):
        return None
class G:
    def __init__(self):
        return 5
class H:
    def __new__(cls, *a):
        print('new', a)
        return super().__new__(cls)
    def __init__(self, a):
        self.a = a
class K(dict):
    def __init__(self, n):
        super().__init__(a=n)
class Ex(Exception):
    def __init__(self, m):
        super().__init__(m)
class W:
    def __init__(self, a, b=2):
        self.s = a + b
print(type(A()).__name__, B(1, 2).y, C(3, 4).x, D(5).y, type(E()).__name__)
try:
    G()
except TypeError as e:
    print(e)
try:
    A(1)
except TypeError as e:
    print(e)
try:
    B(1)
except TypeError as e:
    print(e)
print(H(7).a, K(3), repr(Ex('m')), W(1).s, W(1, 5).s)
def gen_init():
    class Z:
        def __init__(self):
            yield 1
    try:
        Z()
    except TypeError as e:
        print('gen', e)
gen_init()
import collections
P = collections.namedtuple('P', 'a b')
print(P(1, 2))
class M(type):
    pass
class WithMeta(metaclass=M):
    def __init__(self, q):
        self.q = q
print(WithMeta(4).q)
def deep(n):
    return B(n, n) if n == 0 else deep(n - 1)
print(deep(50).x)
