def make_counter(start=0):
    count = start

    def increment(step=1):
        nonlocal count
        count += step
        return count

    return increment

c = make_counter()
print(c(), c(), c(5))
d = make_counter(100)
print(d(), c())

def adders():
    return [make_adder(n) for n in range(3)]

def make_adder(n):
    return lambda x: x + n

print([f(10) for f in adders()])
square = lambda v: v * v
print(square(7), (lambda: "no args")(), sorted([3, 1, 2], ) == [1, 2, 3])

def outer():
    x = "outer x"

    def middle():
        def inner():
            return x + "!"
        return inner()

    return middle()

print(outer())

def compose(f, g):
    return lambda v: f(g(v))

inc_then_double = compose(lambda v: v * 2, lambda v: v + 1)
print(inc_then_double(4))

def late_binding():
    fns = []
    for i in range(3):
        fns.append(lambda: i)
    return [f() for f in fns]

print(late_binding())

def uses_before_assignment():
    def get():
        return value
    try:
        get()
    except NameError as e:
        print("NameError:", e)
    value = 1
    return get()

print(uses_before_assignment())

def unbound():
    print(later)
    later = 1

try:
    unbound()
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
