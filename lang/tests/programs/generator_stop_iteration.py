# PEP 479: a StopIteration leaving a generator becomes RuntimeError, caused by it; e.args of
# exceptions the interpreter raises.
def numbers(limit):
    for i in range(limit):
        yield i
    next(iter([]))  # the StopIteration escapes: RuntimeError


def safe(gen):
    try:
        return list(gen)
    except RuntimeError as e:
        return [repr(e), repr(e.__cause__), e.__suppress_context__]


print(safe(numbers(3)))


def relay():
    yield from numbers(2)


print(safe(relay()))


def explicit():
    yield 'a'
    raise StopIteration('spent')


print(safe(explicit()))

for probe in (lambda: 1 / 0, lambda: [][3], lambda: {}['missing'], lambda: {1}.pop() and set().pop(),
              lambda: int('x'), lambda: {}.popitem()):
    try:
        probe()
    except Exception as e:
        print(type(e).__name__, e.args, str(e))


def driver():
    total = 0
    for n in numbers(4):
        total += n
    return total


print(driver())
