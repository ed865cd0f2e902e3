# Conversions between numbers, bytes and text; builtin type methods; exact int/float order.
import sys

for n, length, order, signed in [(1024, 4, 'big', False), (1024, 4, 'little', False),
                                 (-1, 2, 'big', True), (-129, 2, 'little', True),
                                 (0, 0, 'big', False), (255, 1, 'big', False),
                                 (2**70 + 5, 9, 'big', False), (-(2**63), 8, 'big', True)]:
    b = n.to_bytes(length, order, signed=signed)
    print(n, b, int.from_bytes(b, order, signed=signed), b.hex())
print((5).to_bytes(2, byteorder='little'), (7).to_bytes())
for bad in [lambda: (256).to_bytes(1, 'big'), lambda: (-1).to_bytes(1, 'big'),
            lambda: (1).to_bytes(1, 'middle'), lambda: (128).to_bytes(1, 'big', signed=True),
            lambda: (1).to_bytes(-1, 'big')]:
    try:
        bad()
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
print(int.from_bytes([1, 2, 3], 'big'), int.from_bytes(b'\xff\xff', 'big', signed=True))
print(int.from_bytes(bytes.fromhex('deadbeef'), 'little'))
f = int.from_bytes
print(f(b'\x01\x00', 'little'))

print(dict.fromkeys('abc'), dict.fromkeys(range(3), []), dict.fromkeys([]))
print(dict.fromkeys((x * 2 for x in range(3)), 0))

table = str.maketrans('abc', 'xyz', 'd')
print(sorted(table.items()))
print('abcdabcd'.translate(table))
print('hello world'.translate({ord('o'): '0', ord('l'): None, 104: 72}))
print('naïve café'.translate(str.maketrans({'ï': 'i', 'é': 'e'})))
try:
    str.maketrans('ab', 'c')
except ValueError as e:
    print('ValueError', e)

for x in [1.5, -0.1, 0.0, -0.0, 1e300, 5e-324, 123.456, 2.0**-1074 * 3]:
    h = x.hex()
    print(repr(x), h, float.fromhex(h) == x, x.as_integer_ratio())
print(float.fromhex('0x1.8p1'), float.fromhex('-0X1P-2'), float.fromhex(' 0x.8 '), float.fromhex('inf'))
for bad in ['0x', 'zz', '0x1.8q1']:
    try:
        float.fromhex(bad)
    except ValueError as e:
        print('ValueError', e)
for bad in [float('nan'), float('inf')]:
    try:
        bad.as_integer_ratio()
    except (ValueError, OverflowError) as e:
        print(type(e).__name__, e)
print(bytes.fromhex('41 42 43'), bytes.fromhex(''))
try:
    bytes.fromhex('4x')
except ValueError as e:
    print('ValueError', e)

print(int('ff', base=16), int('0x1f', 0), int(x='12') if False else int('12', base=10), int('z', 36))
print(pow(3, -1, 7), pow(2, -3, 11), pow(-3, -1, 7), pow(3, -2, -7), pow(38, -1, 97))
try:
    pow(2, -1, 4)
except ValueError as e:
    print('ValueError', e)

big = 10**30
print(format(big, ','), format(big, '_'), format(big, 'x'), format(-big, '#X'), format(big, 'o'))
print(f'{10**25:>40,}|{-(10**20):<30d}|{10**20:^+30}|{2**70:b}')
print(f'{10**20:e} {10**20:.3f} {10**22:g} {big:040d}')
print('%d %s %x' % (big, big, 2**65))

inf = float('inf')
for a, b in [(inf, 10**400), (10**400, inf), (-inf, -(10**400)), (1e300, 10**300),
             (2.0**53, 2**53 + 1), (2**53 + 1, 2.0**53), (2**63, 2.0**63), (9007199254740993, 9007199254740992.0),
             (float('nan'), 10**400), (0.5, 10**400), (-(2**64), -1.8446744073709552e19)]:
    print(a < b, a <= b, a == b, a != b, a > b, a >= b)
print(max(2**53 + 1, 2.0**53), sorted([2**53 + 1, 2.0**53, 2**53 - 1]))

print(list(zip([1, 2], 'ab', strict=True)), list(zip([1], [2], strict=False)))
for args in [([1, 2], [3]), ([1], [2, 3]), ([1, 2], [1, 2], [5]), ([1, 2], [1, 2], [1, 2, 3])]:
    try:
        print(list(zip(*args, strict=True)))
    except ValueError as e:
        print('ValueError', e)
stack = [1, 2, 3, 0, 4, 5]
print(list(iter(stack.pop, 3)))
counter = iter(range(10)).__next__
print(list(iter(counter, 6)))
print(next(iter(int, 1), 'done'), next(iter(int, 0), 'done'))
