# statistics: CPython's results, computed exactly with Fractions where CPython does (mean,
# variance, stdev's correctly rounded square root), so floats come out bit-identical.
import math
from fractions import Fraction
from collections import Counter

class StatisticsError(ValueError):
    pass

def _sum(data):
    # The exact total as a Fraction, the count, and the type the result converts back to.
    total = Fraction(0)
    n = 0
    kind = int
    for x in data:
        if isinstance(x, bool) or isinstance(x, int):
            pass
        elif isinstance(x, float):
            kind = float
        elif isinstance(x, Fraction):
            if kind is int:
                kind = Fraction
        else:
            raise TypeError("can't convert type '" + type(x).__name__ + "' to numerator/denominator")
        if isinstance(x, float) and (x != x or x in (float('inf'), -float('inf'))):
            return (x, -1, float)
        total = total + Fraction(x)
        n += 1
    return (total, n, kind)

def _convert(value, kind):
    if kind is int:
        if value.denominator == 1:
            return value.numerator
        kind = float
    if kind is float:
        return float(value)
    return value

def mean(data):
    data = list(data)
    total, n, kind = _sum(data)
    if n == -1:
        return total
    if n < 1:
        raise StatisticsError('mean requires at least one data point')
    return _convert(total / n, kind)

def fmean(data, weights=None):
    data = list(data)
    if weights is None:
        if not data:
            raise StatisticsError('fmean requires at least one data point')
        return math.fsum(data) / len(data)
    weights = list(weights)
    if len(weights) != len(data):
        raise StatisticsError('data and weights must be the same length')
    num = math.fsum([x * w for x, w in zip(data, weights)])
    den = math.fsum(weights)
    if not den:
        raise StatisticsError('sum of weights must be non-zero')
    return num / den

def geometric_mean(data):
    data = list(data)
    if not data:
        raise StatisticsError('fmean requires at least one data point')
    try:
        return math.exp(fmean([math.log(x) for x in data]))
    except ValueError:
        raise StatisticsError('geometric mean requires a non-empty dataset containing positive numbers')

def harmonic_mean(data):
    data = list(data)
    n = len(data)
    if n < 1:
        raise StatisticsError('harmonic_mean requires at least one data point')
    for x in data:
        if x < 0:
            raise StatisticsError('harmonic mean does not support negative values')
    if n == 1:
        return data[0]
    if any(x == 0 for x in data):
        return 0
    # As CPython: each reciprocal by `/` (a float for ints and floats, exact for Fractions),
    # then their exact sum.
    total, count, kind = _sum([1 / x for x in data])
    return _convert(n / total, kind)

def median(data):
    data = sorted(data)
    n = len(data)
    if n == 0:
        raise StatisticsError('no median for empty data')
    if n % 2 == 1:
        return data[n // 2]
    i = n // 2
    return (data[i - 1] + data[i]) / 2

def median_low(data):
    data = sorted(data)
    n = len(data)
    if n == 0:
        raise StatisticsError('no median for empty data')
    if n % 2 == 1:
        return data[n // 2]
    return data[n // 2 - 1]

def median_high(data):
    data = sorted(data)
    if not data:
        raise StatisticsError('no median for empty data')
    return data[len(data) // 2]

def mode(data):
    pairs = Counter(iter(data)).most_common(1)
    if not pairs:
        raise StatisticsError('no mode for empty data')
    return pairs[0][0]

def multimode(data):
    counts = Counter(iter(data))
    if not counts:
        return []
    top = max(counts.values())
    return [v for v, c in counts.items() if c == top]

def _ss(data, c=None):
    total, n, kind = _sum(data)
    if n == -1:
        return (float, total, total, len(data))
    if c is None:
        c = total / n if n else Fraction(0)
        exact_c = c
    else:
        exact_c = Fraction(c)
    ss = Fraction(0)
    for x in data:
        d = Fraction(x) - exact_c
        ss += d * d
    return (kind, ss, c, n)

def variance(data, xbar=None):
    data = list(data)
    if len(data) < 2:
        raise StatisticsError('variance requires at least two data points')
    kind, ss, c, n = _ss(data, xbar)
    if kind is float and not isinstance(ss, Fraction):
        return ss
    return _convert(ss / (n - 1), kind)

def pvariance(data, mu=None):
    data = list(data)
    if len(data) < 1:
        raise StatisticsError('pvariance requires at least one data point')
    kind, ss, c, n = _ss(data, mu)
    if kind is float and not isinstance(ss, Fraction):
        return ss
    return _convert(ss / n, kind)

def _isqrt_frac_rto(n, m):
    # The square root of n/m rounded to an integer, round-to-odd.
    a = math.isqrt(n // m)
    return a | (a * a * m != n)

def _float_sqrt_of_frac(n, m):
    q = (n.bit_length() - m.bit_length() - 109) // 2
    if q >= 0:
        numerator = _isqrt_frac_rto(n, m << 2 * q) << q
        denominator = 1
    else:
        numerator = _isqrt_frac_rto(n << -2 * q, m)
        denominator = 1 << -q
    return numerator / denominator

def stdev(data, xbar=None):
    data = list(data)
    if len(data) < 2:
        raise StatisticsError('stdev requires at least two data points')
    kind, ss, c, n = _ss(data, xbar)
    if not isinstance(ss, Fraction):
        return ss
    mss = ss / (n - 1)
    return _float_sqrt_of_frac(mss.numerator, mss.denominator)

def pstdev(data, mu=None):
    data = list(data)
    if len(data) < 1:
        raise StatisticsError('pstdev requires at least one data point')
    kind, ss, c, n = _ss(data, mu)
    if not isinstance(ss, Fraction):
        return ss
    mss = ss / n
    return _float_sqrt_of_frac(mss.numerator, mss.denominator)

def quantiles(data, *, n=4, method='exclusive'):
    if n < 1:
        raise StatisticsError('n must be at least 1')
    data = sorted(data)
    ld = len(data)
    if ld < 2:
        raise StatisticsError('must have at least two data points')
    result = []
    if method == 'inclusive':
        m = ld - 1
        for i in range(1, n):
            j, delta = divmod(i * m, n)
            result.append((data[j] * (n - delta) + data[j + 1] * delta) / n)
        return result
    if method == 'exclusive':
        m = ld + 1
        for i in range(1, n):
            j = i * m // n
            j = 1 if j < 1 else ld - 1 if j > ld - 1 else j
            delta = i * m - j * n
            result.append((data[j - 1] * (n - delta) + data[j] * delta) / n)
        return result
    raise ValueError('Unknown method: ' + repr(method))
