import operator
from functools import reduce
print(reduce(operator.add, range(10)), reduce(operator.mul, range(1, 6)), reduce(operator.or_, [1, 2, 4, 8]), reduce(operator.xor, [5, 3, 5]))
print(reduce(operator.concat, ['ab', 'cd', 'ef']), reduce(operator.and_, [{1, 2, 3}, {2, 3}, {3, 4}]))
print(list(map(operator.mul, [1, 2, 3], [4, 5, 6])), list(map(operator.itemgetter(0), ['ab', 'cd'])))
ops = {'+': operator.add, '-': operator.sub, '*': operator.mul, '//': operator.floordiv, '%': operator.mod, '**': operator.pow}
print({k: f(17, 5) for k, f in ops.items()})
print(sorted(['aaa', 'b', 'cc'], key=len), operator.truth(0), operator.is_(None, None))
