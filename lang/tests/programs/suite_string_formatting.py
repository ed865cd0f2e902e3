name, qty, price = 'widget', 3, 4.5
print(f'{name!r} x{qty}: {qty * price:.2f}', f'{name:>10}|{name:<10}|{name:^10}|', f'{qty:03d} {price:+.1f} {-price:e}')
print('{:,}'.format(10**9), '{:_}'.format(10**6), '{:.3g}'.format(0.000123456), '{:g}'.format(1e20), '{:%}'.format(0.5))
rows = [('apple', 1.5, 10), ('banana', 0.25, 150), ('kiwi', 12.0, 3)]
for r in rows:
    print('{:<8}{:>8.2f}{:>6d}'.format(*r))
print('{0}{1}{0}'.format('ab', 'cd'), '{x[0]}-{y[k]}'.format(x=[9], y={'k': 'v'}), '{{literal}}'.format())
w = 12
print(f'{"centered":*^{w}}', f'{3.14159:.{2}f}', f'{[1, 2]!s:>8}', f'{"a" + "b"}')
print('%-6s|%06.2f|%+d|%5.1f%%' % ('ab', 3.14159, 5, 99.5), '%(a)s-%(b)s' % {'a': 1, 'b': 2}, '%c%c' % (72, 'i'))
print(str(1.0), str(1e-5), str(1e16), repr(0.1), str(-0.0), repr(1/3), str(2.5e-10), repr(100000000000000000.0))
