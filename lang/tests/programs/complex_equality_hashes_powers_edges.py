# complex edge cases: exact equality with big ints, hashes and keys, float subclasses, negative
# bases to fractional powers, cmath's subnormal and overflow paths.
import cmath
print(10**400 == 1j, complex(1e300) == 10**300, 2**53 + 1 == complex(2**53 + 1), 2**53 == complex(2**53))
print(hash(1j), hash(1 + 2j), hash(2 + 0j) == hash(2), hash(-1 - 1j) != 0)
print({complex(-0.0, 1): "a"}.get(1j), len({complex(0.0, 1): 1, complex(-0.0, 1): 2}), {1j, 2j, 1} == {1, 1j, 2j})
class FF(float):
    pass
print(1j + FF(2.0), FF(1.5) * 2j, (-8) ** (1 / 3), (-1) ** 0.5, (-8.0) ** 0.5, (-2.0) ** 2.0, 4 ** 0.5)
x = -8.0
x **= 0.5
print(x, pow(-8, 0.5))
print(cmath.sqrt(5e-324), cmath.sqrt(complex(1e-310, 1e-310)))
for bad in [lambda: cmath.exp(710 + 1j), lambda: cmath.log(2, 1)]:
    try:
        bad()
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
