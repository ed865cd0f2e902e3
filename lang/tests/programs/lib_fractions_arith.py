from fractions import Fraction
a = Fraction(3, 4)
b = Fraction('1/6')
print(a, b, a + b, a - b, a * b, a / b, a ** 2, b ** -1, -a, abs(-b))
print(Fraction(0.5), Fraction('3.25'), Fraction('-1.5e-2'), Fraction(10, -4), Fraction(7), Fraction(a))
print(a == Fraction(6, 8), a < b, a > 0.5, a == 0.75, Fraction(2, 1) == 2, sorted([a, b, Fraction(1, 2)]))
print(float(a), int(Fraction(-7, 2)), round(Fraction(5, 2)), round(Fraction(7, 2)), round(Fraction(22, 7), 2))
print(Fraction(3.141592653589793).limit_denominator(1000), Fraction(1, 3) + 1, 1 - Fraction(1, 3), 2 * Fraction(1, 3), 1 / Fraction(1, 3))
print(sum(Fraction(1, n) for n in range(1, 11)), repr(Fraction(1, 3)), a.numerator, a.denominator, a.as_integer_ratio())
h = {Fraction(1, 2): 'half', Fraction(2): 'two'}
print(h[Fraction(2, 4)], h[Fraction(4, 2)], Fraction(1, 3) // Fraction(1, 4), Fraction(7, 3) % 1, a + 0.25)
try:
    Fraction(1, 0)
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
try:
    Fraction('abc')
except ValueError as e:
    print('ValueError', e)
