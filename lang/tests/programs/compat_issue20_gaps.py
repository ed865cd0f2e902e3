def gen():
    yield 1
    return 'done'
g = gen()
print(next(g))
try:
    next(g)
except StopIteration as e:
    print('value', e.value, e.args)
try:
    next(g)
except StopIteration as e:
    print('again', e.value, e.args)
def outer():
    r = yield from gen()
    print('inner returned', r)
print(list(outer()))
class A:
    pass
class B(A):
    pass
class C(B):
    pass
print(C.__mro__, B.__bases__, A.__mro__)
print([k.__name__ for k in C.__mro__])
class E(ValueError):
    pass
print([k.__name__ for k in E.__mro__])
print('a\tbc\td'.expandtabs(), 'a\tbc\td'.expandtabs(4), repr('12345\t|\n\tx'.expandtabs(3)), 'x\ty'.expandtabs(0))
try:
    raise SyntaxError('bad syntax here')
except SyntaxError as e:
    print(type(e).__name__, e, isinstance(e, Exception))
print(issubclass(IndentationError, SyntaxError), issubclass(FileNotFoundError, OSError))
s = slice(1, 8, 2)
print(s, s.start, s.stop, s.step, slice(5), slice(2, 4))
data = list(range(10))
print(data[s], data[slice(3)], data[slice(-3, None)], 'abcdefgh'[s], tuple(data)[slice(None, None, -3)])
print(s.indices(5), slice(None, None, -1).indices(10), slice(-100, 100).indices(7))
data[slice(0, 2)] = ['a', 'b', 'c']
print(data)
del data[slice(0, 6, 2)]
print(data)
class Seq:
    def __getitem__(self, i):
        if isinstance(i, slice):
            return ('slice', i.start, i.stop, i.step)
        return ('item', i)
    def __setitem__(self, i, v):
        print('set', i, v)
    def __delitem__(self, i):
        print('del', i)
q = Seq()
print(q[1:5], q[::2], q[3], q[s])
q[1:2] = 'x'
del q[:3]
print(type(s).__name__, isinstance(s, slice))
