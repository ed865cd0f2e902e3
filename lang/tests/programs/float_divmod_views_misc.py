# Float floor division and modulo as CPython's divmod; dict views as sets; str(bytes, enc);
# __module__; builtin types shown as classes; one-argument builtins' messages.
for a, b in [(-7, 3.5), (7, -3.5), (1, 0.1), (-1, 0.1), (5.5, 2), (-0.0, 3.0), (0.0, -2.0), (1e300, 1e-300),
             (7.5, 2), (-7.5, 2), (3.0, float('inf')), (-3.0, float('inf'))]:
    print(a, b, a // b, a % b, divmod(a, b))
d = {'a': 1, 'b': 2}
print(sorted(d.keys() & {'a', 'z'}), sorted(d.keys() | {'c'}), sorted(d.keys() - {'a'}), sorted(d.keys() ^ {'a', 'q'}))
print(sorted(d.items() | {('c', 3)}), sorted({('a', 1), ('x', 0)} & d.items()), sorted({'b'} & d.keys()))
print(str(b'caf\xc3\xa9', 'utf-8'), str(b'abc', encoding='ascii') if False else str(b'abc', 'ascii'))
class A:
    pass
print(A.__module__, A().__module__, type(len), type(type), type(NotImplemented), type(...))
for f in [lambda: len(), lambda: repr(1, 2), lambda: chr(), lambda: str(5, 'utf-8')]:
    try:
        f()
    except TypeError as e:
        print('TypeError:', e)
a, b = [1, 2], (2, 3)
print(sorted({*a, *b, 9}), sorted({*'abc'}), {*()} == set())
