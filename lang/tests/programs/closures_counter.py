def make_counter(start=0, step=1):
    count = start
    def increment():
        nonlocal count
        count += step
        return count
    def reset():
        nonlocal count
        count = start
    return increment, reset

inc, reset = make_counter(10, 5)
print(inc(), inc(), inc())
reset()
print(inc())

def adders():
    return [lambda x, n=n: x + n for n in range(3)]
print([f(10) for f in adders()])

def compose(*fs):
    def run(x):
        for f in reversed(fs):
            x = f(x)
        return x
    return run
print(compose(lambda x: x + 1, lambda x: x * 2)(5))

def memoize(fn):
    cache = {}
    def inner(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]
    inner.cache = cache
    return inner
