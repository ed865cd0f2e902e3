from fractions import Fraction
import math
def egyptian(fr):
    out = []
    while fr.numerator != 0:
        d = -(-fr.denominator // fr.numerator)
        out.append(Fraction(1, d))
        fr -= Fraction(1, d)
    return out
for f in [Fraction(4, 13), Fraction(5, 6), Fraction(7, 15)]:
    parts = egyptian(f)
    print(f, '=', ' + '.join(str(p) for p in parts), sum(parts) == f)
h = sum(Fraction(1, k) for k in range(1, 21))
print(h, float(h))
approx = [Fraction(math.pi).limit_denominator(d) for d in (10, 100, 1000, 100000)]
print(approx, [float(a) for a in approx])
print(Fraction(1, 3) + Fraction(1, 6) == Fraction(1, 2), Fraction(9, 12) ** 3, Fraction(-5, 3) // 1, Fraction(-5, 3) % 1)
