class Adder:
    def __init__(self, n):
        self.n = n
    def __call__(self, x):
        return x + self.n

add5 = Adder(5)
print(add5(10), list(map(add5, [1, 2, 3])), callable(add5), callable(5))

class Memo:
    def __init__(self, fn):
        self.fn = fn
        self.cache = {}
        self.calls = 0
    def __call__(self, n):
        if n not in self.cache:
            self.calls += 1
            self.cache[n] = self.fn(n)
        return self.cache[n]

@Memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

print(fib(60), fib.calls)
