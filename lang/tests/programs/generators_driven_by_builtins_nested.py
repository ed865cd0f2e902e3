# Generators a builtin drives (list, sum, set, dict, max, join, zip), nested in one another,
# with finally blocks, errors and returns: their yields go back to the builtin in the burst.
def inner(n):
    for i in range(n):
        yield i

def outer(n):
    for i in range(n):
        yield sum(inner(i)) + len(list(x for x in inner(i) if x % 2))

print(list(outer(6)), sorted(outer(5), reverse=True), tuple(outer(0)))
print(set(outer(7)), dict((k, list(inner(k))) for k in range(4)))
print(max(outer(9)), min(x * 2 for x in inner(5)), any(x > 3 for x in inner(5)), all(inner(1)))
def g():
    try:
        yield 1
        yield 2
    finally:
        print('finally runs')
print(list(g()), ''.join(str(x) for x in g()))
def raising():
    yield 1
    raise ValueError('inside')
try:
    list(raising())
except ValueError as e:
    print('ValueError', e)
def stops():
    yield 1
    return 'done'
print(list(stops()), [list(stops()) for _ in range(2)])
def echo():
    got = yield 'first'
    while True:
        got = yield got
e = echo()
print(next(e), e.send(5), list(zip(e, range(3))))
