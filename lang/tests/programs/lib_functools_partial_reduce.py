from functools import partial, reduce
import operator
def power(base, exp):
    return base ** exp
square = partial(power, exp=2)
two_to = partial(power, 2)
print(square(9), two_to(10), square.func is power, square.args, square.keywords, two_to.args)
print(list(map(partial(round, ndigits=1), [1.26, 2.71, 3.14159])))
add3 = partial(partial(lambda a, b, c: a + b + c, 1), 2)
print(add3(3), add3.args)
print(reduce(operator.mul, range(1, 11)), reduce(lambda acc, s: acc + len(s), ['ab', 'cde', ''], 0))
print(reduce(max, [3, 9, 2, 7]), reduce(operator.add, [[1], [2, 3]], []))
try:
    reduce(operator.add, [])
except TypeError as e:
    print('TypeError', e)
def compose(*fns):
    return reduce(lambda f, g: lambda x: g(f(x)), fns)
inc_then_double = compose(lambda x: x + 1, lambda x: x * 2, str)
print(inc_then_double(5), repr(inc_then_double(0)))
print(partial(print, sep='-')('a', 'b', 'c'))
