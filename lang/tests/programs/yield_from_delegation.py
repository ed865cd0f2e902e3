# PEP 380: send(), throw() and close() reach the innermost generator through `yield from`.

def accumulator():
    total = 0
    while True:
        x = yield total
        if x is None:
            return total
        total += x

def middle():
    result = yield from accumulator()
    yield ('middle got', result)
    return result * 2

def outer():
    r = yield from middle()
    yield ('outer got', r)

g = outer()
print(next(g))
print(g.send(5))
print(g.send(7))
print(g.send(None))
print(next(g))
try:
    next(g)
except StopIteration as e:
    print('done', e.value)


class Retry(Exception):
    pass

def worker(log):
    n = 0
    while True:
        try:
            yield n
            n += 1
        except Retry as e:
            log.append(('retry', e.args))
            n = 100
        except ValueError:
            log.append('value error, returning')
            return 'stopped at %d' % n
        finally:
            log.append(('finally', n))

def boss(log):
    got = yield from worker(log)
    log.append(('boss got', got))
    yield 'after'

log = []
b = boss(log)
print(next(b), next(b))
print(b.throw(Retry('again')))
print(next(b))
print(b.throw(ValueError))
print(log)

# An exception the inner generator does not handle comes out of the outer one.
def fragile():
    yield 1
    yield 2

def wrapper():
    try:
        yield from fragile()
    except KeyError as e:
        print('wrapper caught', repr(e))
        yield 'recovered'

w = wrapper()
print(next(w))
print(w.throw(KeyError('k')))
print(list(w))

def bare():
    yield from fragile()

w = bare()
next(w)
try:
    w.throw(IndexError('deep'))
except IndexError as e:
    print('out came', repr(e))
print(list(w))

# close() runs the inner generator's finally blocks first, then the outer's.
def inner_cleanup(log):
    try:
        yield 'i'
    finally:
        log.append('inner finally')

def outer_cleanup(log):
    try:
        yield from inner_cleanup(log)
    finally:
        log.append('outer finally')

log = []
c = outer_cleanup(log)
next(c)
c.close()
print(log)

# Delegation to iterators that are not generators: send(None) is next(); throw raises at the yield.
def over_list():
    got = yield from [10, 20, 30]
    yield got

o = over_list()
print(next(o), o.send(None), next(o), next(o))
o = over_list()
next(o)
try:
    o.throw(RuntimeError('x'))
except RuntimeError as e:
    print('list delegation', repr(e))

# Three levels deep, values sent from the top reach the bottom.
def echo():
    received = []
    while len(received) < 3:
        received.append((yield len(received)))
    return received

def level(depth):
    if depth == 0:
        return (yield from echo())
    return (yield from level(depth - 1))

e = level(3)
print(next(e), e.send('a'), e.send('b'))
try:
    e.send('c')
except StopIteration as stop:
    print('bottom received', stop.value)

# A thrown exception that the inner generator converts and returns from.
def converter():
    try:
        yield 'waiting'
    except ZeroDivisionError:
        return 'converted'

def holder():
    v = yield from converter()
    return v

h = holder()
next(h)
try:
    h.throw(ZeroDivisionError)
except StopIteration as stop:
    print('holder returned', stop.value)
