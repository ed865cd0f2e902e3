class Base:
    def who(self):
        return 'base'
class Mid(Base):
    def who(self):
        return 'mid>' + super().who()
class Leaf(Mid):
    pass
for cls in (Base, Mid, Leaf):
    print(cls.__name__, [c.__name__ for c in cls.__mro__], cls.__bases__[0].__name__)
print(Leaf().who(), Leaf.__mro__[1] is Mid, object in Leaf.__mro__)
class Matrix:
    def __init__(self, rows):
        self.rows = rows
    def __getitem__(self, key):
        if isinstance(key, tuple):
            r, c = key
            if isinstance(r, slice):
                return [row[c] for row in self.rows[r]]
            return self.rows[r][c]
        return self.rows[key]
m = Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
print(m[1, 2], m[0:2, 1], m[::2, 0], m[slice(1, None), 2], m[2])
evens = slice(None, None, 2)
last3 = slice(-3, None)
seq = 'abcdefghij'
print(seq[evens], seq[last3], list(range(20))[evens][last3], (1, 2, 3, 4)[slice(1, 3)])
for s in (slice(3), slice(1, 9, 3), slice(None, None, -2), slice(-5, -1)):
    print(s, s.indices(10), list(range(10))[s])
nums = list(range(10))
nums[evens] = ['e'] * 5
print(nums)
def countdown():
    n = yield 'start'
    total = 0
    while n:
        total += n
        n = yield total
    return 'total=%d' % total
g = countdown()
print(next(g), g.send(5), g.send(7))
try:
    g.send(0)
except StopIteration as stop:
    print('returned', stop.value)
print('\tindented\ttext'.expandtabs(2), 'col1\tcol2\tcol3'.expandtabs(6).split(' '))
