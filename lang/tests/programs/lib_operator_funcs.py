import operator as op
pairs = [(7, 3), (-7, 3), (2.5, 0.5), (12, 5)]
for a, b in pairs:
    print(op.add(a, b), op.sub(a, b), op.mul(a, b), op.truediv(a, b), op.floordiv(a, b), op.mod(a, b), op.pow(a, 2))
    print(op.lt(a, b), op.le(a, b), op.eq(a, b), op.ne(a, b), op.gt(a, b), op.ge(a, b), op.neg(a), op.abs(a))
print(op.and_(12, 10), op.or_(12, 10), op.xor(12, 10), op.invert(5), op.lshift(1, 5), op.rshift(64, 3))
print(op.not_(0), op.truth([]), op.is_(None, None), op.is_not(1, None), op.contains([1, 2], 2), op.concat([1], [2]))
print(op.countOf([1, 2, 1, 1], 1), op.indexOf('abc', 'c'), op.getitem({'k': 9}, 'k'), op.index(7))
d = {}
op.setitem(d, 'a', 1); op.setitem(d, 'b', 2); op.delitem(d, 'a'); print(d)
x = [1]
x = op.iadd(x, [2]); print(x, op.imul(3, 4), op.isub(10, 4), op.ipow(2, 8))
try:
    op.indexOf([1, 2], 5)
except ValueError as e:
    print('ValueError', e)
