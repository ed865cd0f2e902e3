def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
g = fib()
print([next(g) for _ in range(10)])
def take_while_sum(limit):
    total = 0
    for x in fib():
        if total + x > limit:
            return total
        total += x
        yield x
gen = take_while_sum(50)
print(list(gen))
def echo():
    received = []
    while True:
        x = yield len(received)
        if x is None:
            break
        received.append(x)
    return received
e = echo()
print(next(e), e.send('a'), e.send('b'))
try:
    e.send(None)
except StopIteration as s:
    print('done with', s.value)
def chained():
    yield from range(3)
    result = yield from echo_twice()
    yield result
def echo_twice():
    yield 'x'
    yield 'y'
    return 'ret'
print(list(chained()))
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1
print(list(Countdown(4)), sum(Countdown(10)), sorted(Countdown(3)))
squares = (x * x for x in range(5))
print(sum(squares), sum(squares), any(x > 3 for x in range(5)), all(x < 3 for x in range(5)))
