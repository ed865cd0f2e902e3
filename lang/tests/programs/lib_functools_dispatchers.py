from functools import partial, reduce, wraps
registry = {}
def register(name):
    def deco(fn):
        registry[name] = fn
        return fn
    return deco
@register('add')
def add(a, b):
    return a + b
@register('mul')
def mul(a, b):
    return a * b
def run(program, start):
    return reduce(lambda acc, step: registry[step[0]](acc, step[1]), program, start)
print(run([('add', 3), ('mul', 4), ('add', -2)], 1), sorted(registry))
def retry(times):
    def deco(fn):
        @wraps(fn)
        def wrapper(*a):
            last = None
            for i in range(times):
                try:
                    return fn(*a, attempt=i)
                except ValueError as e:
                    last = e
            raise RuntimeError('gave up: %s' % last)
        return wrapper
    return deco
@retry(3)
def flaky(x, attempt=0):
    if attempt < 2:
        raise ValueError('attempt %d' % attempt)
    return x * 10
print(flaky(4), flaky.__name__)
tax = partial(lambda rate, amount: round(amount * (1 + rate), 2), 0.2)
print([tax(p) for p in (10, 19.99, 0.5)])
