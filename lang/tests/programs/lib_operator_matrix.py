import operator
from itertools import starmap
a = [[1, 2], [3, 4]]
b = [[5, 6], [7, 8]]
add = [list(map(operator.add, r1, r2)) for r1, r2 in zip(a, b)]
mul = [[sum(starmap(operator.mul, zip(row, col))) for col in zip(*b)] for row in a]
print(add, mul)
print(list(map(operator.neg, [1, -2])), list(map(operator.abs, [-3, 3])), list(map(operator.pos, [5])))
print(sorted({'b': 2, 'a': 3}.items(), key=operator.itemgetter(1)))
