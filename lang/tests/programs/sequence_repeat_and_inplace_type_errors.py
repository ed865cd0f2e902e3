# CPython's TypeErrors for a sequence's repeat and concatenation, with and without '=', for
# builtin operands and instances of a class without the methods.
class C:
    pass
cases = [('ab', 'c'), ([1], 2.0), ((1,), [2]), (b'x', 'y'), ('a', [1]), (1.5, 'a'), (None, 'a'),
         ('a', None), (bytearray(b'x'), 1.0), (C(), 'a'), ('a', C()), (1, 'a'), ({1}, 2), ({}, 'a')]
for a, b in cases:
    try:
        a * b
    except TypeError as e:
        print('*', e)
    x = a
    try:
        x *= b
    except TypeError as e:
        print('*=', e)
    x = a
    try:
        x += b
    except TypeError as e:
        print('+=', e)
    try:
        a + b
    except TypeError as e:
        print('+', e)
    x = a
    try:
        x -= b
    except TypeError as e:
        print('-=', e)
for a, b in ((1, 'a'), (2.0, [1]), ('a', 2.5)):
    x = a
    try:
        x **= b
    except TypeError as e:
        print('**=', e)
    try:
        a ** b
    except TypeError as e:
        print('**', e)
