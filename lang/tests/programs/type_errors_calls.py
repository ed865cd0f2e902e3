def f(a, b, c=1):
    return a + b + c

for call in [lambda: f(1), lambda: f(1, 2, 3, 4), lambda: f(1, 2, d=5), lambda: f(1, a=1, b=2), lambda: f()]:
    try:
        call()
    except TypeError as e:
        print(e)
class C:
    def __init__(self, x):
        self.x = x
try:
    C()
except TypeError as e:
    print(e)
try:
    len(5)
except TypeError as e:
    print(e)
try:
    nothing = None
    nothing()
except TypeError as e:
    print(e)
try:
    [1] + (2,)
except TypeError as e:
    print(e)
try:
    {}[[1]] = 2
except TypeError as e:
    print(e)
try:
    "a" < 1
except TypeError as e:
    print(e)
