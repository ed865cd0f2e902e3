def count(start=0, step=1):
    n = start
    while True:
        yield n
        n += step

def islice(it, stop):
    for i, x in zip(range(stop), it):
        yield x

def cycle(xs):
    saved = list(xs)
    while saved:
        for x in saved:
            yield x

def accumulate(xs):
    total = 0
    for x in xs:
        total += x
        yield total

def groupby(xs, key):
    current, group = object, []
    for x in xs:
        k = key(x)
        if group and k != current:
            yield current, group
            group = []
        current = k
        group.append(x)
    if group:
        yield current, group

def pairwise(xs):
    it = iter(xs)
    prev = next(it, None)
    for x in it:
        yield prev, x
        prev = x

print(list(islice(count(10, 5), 4)), list(islice(cycle("ab"), 5)))
print(list(accumulate([1, 2, 3, 4])), list(pairwise([1, 2, 3])))
print([(k, g) for k, g in groupby([1, 1, 2, 3, 3, 3], lambda x: x)])
print(list(zip(count(), "xyz")), list(map(lambda p: p[0] * p[1], zip(count(1), [5, 5, 5]))))
