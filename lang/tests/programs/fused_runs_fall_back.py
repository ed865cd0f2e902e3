# Runs the compiler fuses into one instruction (local/constant operands, an operator, a store
# or a conditional jump), fed operands the fused path does not take: each must give what the
# instructions one by one give.
def mixed(a, b):
    c = a + b
    d = a * 2
    if a < b:
        return c, d, 'lt'
    return c, d, 'ge'

print(mixed(1, 2))
print(mixed(1.5, 2))
print(mixed(2, 1.25))
print(mixed('x', 'y'))
print(mixed([1], [2]))
print(mixed((1,), (0,)))
print(mixed(2 ** 62, 2 ** 62))
print(mixed(10 ** 30, 1))
print(mixed(True, False))

class N:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        return N(self.v + (o.v if isinstance(o, N) else o))
    def __mul__(self, k):
        return N(self.v * k)
    def __lt__(self, o):
        return self.v < o.v
    def __repr__(self):
        return f'N({self.v})'

print(mixed(N(3), N(4)))

def countdown(n):
    total = 0
    while n > 0:
        total += n
        n -= 1
    return total

print(countdown(10), countdown(0), countdown(-3), countdown(10.5))

def grow(x):
    # Past 64 bits halfway through the loop.
    for _ in range(70):
        x = x * 2
    return x

print(grow(1), grow(1.0), grow(-3))

def div(a, b):
    q = a / b
    return q

for args in ((7, 2), (7.0, 0.5), (1, 0), (1.0, 0)):
    try:
        print(div(*args))
    except ZeroDivisionError as e:
        print('ZeroDivisionError:', e)

def middle(c, a, b):
    # The else branch's run is fused; the if branch jumps into its middle.
    return (a if c else b) + 1

print(middle(True, 10, 20), middle(False, 10, 20), middle(0, 'a', 5))

def unbound(flag):
    if flag:
        y = 1
    z = y + 1
    return z

print(unbound(True))
try:
    unbound(False)
except UnboundLocalError as e:
    print('UnboundLocalError:', e)

def compare_all(a, b):
    out = []
    if a == b: out.append('eq')
    if a != b: out.append('ne')
    if a <= b: out.append('le')
    if a >= b: out.append('ge')
    if not (a > b): out.append('not gt')
    return out

print(compare_all(1, 1), compare_all(1, 1.0), compare_all(float('nan'), 1))
print(compare_all(2 ** 63 - 1, float(2 ** 63)), compare_all(-0.0, 0))
print(compare_all('a', 'b'), compare_all((1, 2), (1, 3)))
try:
    compare_all(1, 'a')
except TypeError as e:
    print('TypeError:', e)

def shifts(a, b):
    return a << b, a >> b, a & b, a | b, a ^ b, a % b, a // b, a ** b

print(shifts(5, 3), shifts(-5, 3), shifts(1, 63))
try:
    shifts(1, -1)
except ValueError as e:
    print('ValueError:', e)

def traceback_line(a, b):
    s = 0
    s = (a
         + b)
    return s


def loops(items):
    # A loop step into a local over each kind of iterator: ranges and sequences take the
    # fused path, the rest the instruction it replaced.
    out = []
    for i in range(3):
        out.append(i)
    for i in range(10, 0, -4):
        out.append(i)
    for x in items:
        out.append(x)
    for x in (1, 2):
        out.append(x)
    for c in 'ab':
        out.append(c)
    for k in {'k': 1}:
        out.append(k)
    for i, x in enumerate(items):
        out.append((i, x))
    for g in (x * 2 for x in items):
        out.append(g)
    for x in items:
        if x == 2:
            break
    else:
        out.append('no break')
    for x in []:
        out.append('never')
    else:
        out.append('empty else')
    it = iter(items)
    for x in it:
        out.append(('it', x))
    for x in it:
        out.append('exhausted iterators stay exhausted')
    grow = [1]
    for x in grow:
        if len(grow) < 4:
            grow.append(x + 1)
    out.append(grow)
    return out

print(loops([1, 2, 3]))

class Point:
    kind = 'class attribute'
    def __init__(self, x):
        self.x = x
    @property
    def double(self):
        return self.x * 2
    def get(self):
        return self.x, self.kind, self.double

class Slotted:
    __slots__ = ('x',)
    def __init__(self, x):
        self.x = x
    def get(self):
        return self.x

class Hooked:
    def __getattr__(self, name):
        return 'hooked ' + name
    def get(self):
        return self.missing

def read(p):
    return p.x

print(Point(3).get(), Slotted(4).get(), Hooked().get())
print(read(Point(5)), read(Slotted(6)), read(Hooked()))
p = Point(1)
p.x = 'rebound'
print(read(p))
try:
    read(object())
except AttributeError as e:
    print('AttributeError:', e)

def on_top(f, x, y):
    # The left operand comes from a call, the right one is a local or a constant.
    out = [f(x) * y, f(x) + 1, f(x) - 2.5, f(x) // 3, f(x) % 4, f(x) ** 2]
    try:
        out.append(f(x) / 0)
    except ZeroDivisionError as e:
        out.append(str(e))
    return out

print(on_top(lambda v: v, 7, 3), on_top(lambda v: v, 7.5, 0.5))
print(on_top(lambda v: v, 2 ** 40, 2 ** 40))
try:
    print(on_top(lambda v: [v], 1, 2))
except TypeError as e:
    print('TypeError:', e)
try:
    print(on_top(lambda v: 'ab' * v, 2, 'c'))
except TypeError as e:
    print('TypeError:', e)

traceback_line(1, 'x')
