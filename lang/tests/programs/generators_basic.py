def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1

print(list(count_up(5)))
g = count_up(3)
print(next(g), next(g), next(g), next(g, "end"))

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

out = []
for x in fib():
    if x > 100:
        break
    out.append(x)
print(out)

def squares(xs):
    for x in xs:
        yield x * x

print(sum(squares(range(10))), list(squares([1, 2, 3])))
print(type(count_up(1)).__name__)
