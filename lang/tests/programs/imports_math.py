import math
from math import sqrt, floor as fl
print(math.sqrt(2), sqrt(81), fl(3.7), math.ceil(3.2), math.floor(-3.5))
print(math.gcd(48, 36), math.isqrt(99), math.factorial(10), math.comb(10, 3), math.perm(5, 2))
print(round(math.log(math.e), 6), math.log(8, 2), math.log10(1000), math.log2(1024))
print(math.pi, math.e, math.inf, -math.inf, math.isnan(math.nan), math.isinf(math.inf))
print(round(math.sin(math.pi / 2), 6), round(math.cos(0), 6), math.hypot(3, 4), math.fabs(-2))
print(math.prod([1, 2, 3, 4]), math.fsum([0.1] * 10), math.trunc(-2.7), math.copysign(3, -1))
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
from functools import reduce
print(reduce(lambda a, b: a * b, range(1, 6)), reduce(lambda a, b: a + b, [], 100))
try:
    import nosuchmodule
except ImportError as e:
    print(type(e).__name__, e)
