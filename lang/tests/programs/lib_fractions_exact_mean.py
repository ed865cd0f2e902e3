from fractions import Fraction
data = [Fraction(1, 3), Fraction(2, 7), Fraction(5, 11), Fraction(3, 4)]
mean = sum(data, Fraction(0)) / len(data)
var = sum((x - mean) ** 2 for x in data) / (len(data) - 1)
print(mean, float(mean), var, round(float(var), 12))
print(Fraction('0.1') + Fraction('0.2') == Fraction('0.3'), 0.1 + 0.2 == 0.3, Fraction(0.1) == Fraction('0.1'))
print(sorted(data), max(data), min(data), [str(x) for x in data])
