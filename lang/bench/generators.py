def numbers(n):
    for i in range(n):
        yield i

def evens(xs):
    for x in xs:
        if x % 2 == 0:
            yield x

def squares(xs):
    for x in xs:
        yield x * x

total = 0
for v in squares(evens(numbers(600000))):
    total += v
print(total, sum(x for x in range(300000) if x % 3 == 0))
