# yield from over iterators that are not generators: the StopIteration value is the value of
# the yield from; throw() and close() reach the iterator's own methods (PEP 380).
class It:
    def __init__(self):
        self.n = 0
    def __iter__(self):
        return self
    def __next__(self):
        self.n += 1
        if self.n > 2:
            raise StopIteration('done-value')
        return self.n
def g():
    r = yield from It()
    print('inner returned', r)
    r2 = yield from [7, 8]
    print('list returned', r2)
    r3 = yield from iter(It())
    print('wrapped returned', r3)
print(list(g()))

class Thrower:
    def __init__(self):
        self.log = []
    def __iter__(self):
        return self
    def __next__(self):
        return 1
    def send(self, v):
        if v == 'stop':
            raise StopIteration('sent-stop')
        return 'got ' + str(v)
    def throw(self, typ, *rest):
        name = typ.__name__ if isinstance(typ, type) else type(typ).__name__
        if name == 'KeyError':
            raise StopIteration('thrown-stop')
        return 'handled ' + name
    def close(self):
        print('close forwarded')
def h():
    r = yield from Thrower()
    print('h got', r)
    yield 'after'
gen = h()
print(next(gen), gen.send(5), gen.throw(ValueError), gen.throw(KeyError))
gen.close()
gen = h()
next(gen)
gen.close()
gen = h()
next(gen)
print(gen.send('stop'))

class NoThrow:
    def __iter__(self):
        return self
    def __next__(self):
        return 0
def k():
    yield from NoThrow()
gen = k()
next(gen)
try:
    gen.throw(RuntimeError('boom'))
except RuntimeError as e:
    print('RuntimeError', e)

def inner():
    x = yield 1
    return x * 2
def outer():
    v = yield from inner()
    return v
o = outer()
next(o)
try:
    o.send(21)
except StopIteration as e:
    print('StopIteration', e.value)
