class Range2D:
    def __init__(self, w, h):
        self.w, self.h = w, h
    def __iter__(self):
        for y in range(self.h):
            for x in range(self.w):
                yield x, y
    def rows(self):
        for y in range(self.h):
            yield [(x, y) for x in range(self.w)]

r = Range2D(3, 2)
print(list(r), len(list(r.rows())), [p for p in r if p[0] == p[1]])
print(sum(x + y for x, y in r), dict(((x, y), x * y) for x, y in r if x))
class Fib:
    def __init__(self, limit):
        self.limit = limit
    def __iter__(self):
        a, b = 0, 1
        while a < self.limit:
            yield a
            a, b = b, a + b
print(list(Fib(50)), max(Fib(1000)), 21 in Fib(100))
