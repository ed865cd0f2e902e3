import math
vals = [0.5, 1.0, 2.5, -0.75, 10.0]
for x in vals:
    print(x, math.expm1(x), math.log1p(abs(x)), math.sinh(x), math.cosh(x), math.tanh(x), math.asinh(x))
    print(math.erf(x), math.erfc(x), math.exp2(x), math.gamma(5.0))
print(math.fmod(7.5, 2), math.fmod(-7.5, 2), math.remainder(7.5, 2), math.remainder(5, 2), math.ldexp(0.75, 4), math.frexp(24.0), math.modf(-2.5), math.modf(3.0))
print(math.isclose(1.0, 1.0 + 1e-10), math.isclose(1.0, 1.1), math.isclose(1.0, 1.05, rel_tol=0.1), math.isclose(0.0, 1e-12, abs_tol=1e-9))
print(math.dist((0, 0), (3, 4)), math.dist([1, 2, 3], [4, 6, 8]), math.ulp(1.0), math.nextafter(1.0, 2.0), math.pow(2, 10), math.pow(2.5, -1))
print(math.acosh(2.0), math.atanh(0.5), math.gcd(12, 18, 27), math.lcm(4, 6), math.comb(10, 3), math.perm(5, 2), math.isqrt(99), math.factorial(12))
for f, a in [(math.sqrt, -1), (math.log, 0), (math.acosh, 0.5), (math.gamma, 0), (math.fmod, None)]:
    try:
        if a is None:
            f(1.0, 0.0)
        else:
            f(a)
    except ValueError as e:
        print(f.__name__, 'ValueError', e)
try:
    math.exp(1000)
except OverflowError as e:
    print('OverflowError', e)
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.isnan(math.nan))
print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.7), math.copysign(3, -0.0), math.fabs(-4), math.hypot(3, 4), math.degrees(math.pi), math.radians(180))
print(math.prod([1, 2, 3, 4]), math.fsum([0.1] * 10), sum([0.1] * 10), math.log(8, 2), math.log10(1000), math.log2(1024))
