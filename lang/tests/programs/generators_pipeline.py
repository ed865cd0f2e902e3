def read_lines():
    data = "alpha 3\nbeta 5\ngamma 2\ndelta 8\n"
    for line in data.splitlines():
        yield line

def parse(lines):
    for line in lines:
        name, n = line.split()
        yield name, int(n)

def big(items, limit):
    for name, n in items:
        if n > limit:
            yield name

print(list(big(parse(read_lines()), 2)))
total = sum(n for _, n in parse(read_lines()))
print(total)
pairs = dict(parse(read_lines()))
print(pairs)
print(sorted(parse(read_lines()), key=lambda p: -p[1])[:2])

def chain(*iterables):
    for it in iterables:
        yield from it

print(list(chain([1, 2], "ab", range(3))))
def take(n, it):
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x
def naturals():
    n = 0
    while True:
        yield n
        n += 1
print(list(take(5, (x * x for x in naturals()))))
