import math
def newton_sqrt(x, tol=1e-12):
    g = x / 2 or 1.0
    while abs(g * g - x) > tol * x:
        g = (g + x / g) / 2
    return g
for x in [2, 10, 12345.678]:
    print(x, newton_sqrt(x), math.sqrt(x), math.isclose(newton_sqrt(x), math.sqrt(x)))
def simpson(f, a, b, n=100):
    h = (b - a) / n
    s = f(a) + f(b)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * f(a + i * h)
    return s * h / 3
print(simpson(math.sin, 0, math.pi), simpson(lambda x: math.exp(-x * x), -3, 3), math.sqrt(math.pi))
print(math.fsum([1e100, 1.0, -1e100]), sum([1e100, 1.0, -1e100]), math.prod(range(1, 21)), math.comb(52, 5), math.perm(10))
print(math.gcd(2**64, 6**20), math.lcm(12, 18, 30), math.isqrt(10**30), math.factorial(25))
print(math.floor(1e300) == int(1e300), math.ceil(2**0.5), math.trunc(-1e10), math.frexp(0.0), math.modf(math.inf), math.ldexp(1, -1074))
print(math.copysign(0.0, -1), math.fmod(-10, 3), -10 % 3, math.remainder(10, 3), math.degrees(1), math.atan2(-1, -1))
print(math.hypot(5, 12), math.dist([0, 0, 0], [1, 1, 1]), math.ulp(1e16), math.nextafter(0, 1))
