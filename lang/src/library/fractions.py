# fractions: exact rationals (CPython's Fraction for int, float, str and Fraction inputs).
import math

class Fraction:
    def __init__(self, numerator=0, denominator=None):
        if denominator is None:
            if isinstance(numerator, Fraction):
                n, d = numerator._n, numerator._d
            elif isinstance(numerator, bool) or isinstance(numerator, int):
                n, d = int(numerator), 1
            elif isinstance(numerator, float):
                n, d = _float_ratio(numerator)
            elif isinstance(numerator, str):
                n, d = _parse(numerator)
            else:
                raise TypeError('argument should be a string or a Rational instance')
        else:
            if isinstance(numerator, Fraction) or isinstance(denominator, Fraction):
                a = Fraction(numerator)
                b = Fraction(denominator)
                n, d = a._n * b._d, a._d * b._n
            elif isinstance(numerator, int) and isinstance(denominator, int):
                n, d = numerator, denominator
            else:
                raise TypeError('both arguments should be Rational instances')
            if d == 0:
                raise ZeroDivisionError('Fraction(%s, 0)' % n)
        if d < 0:
            n, d = -n, -d
        g = math.gcd(n, d)
        if g > 1:
            n //= g
            d //= g
        self._n = n
        self._d = d
    @property
    def numerator(self):
        return self._n
    @property
    def denominator(self):
        return self._d
    @classmethod
    def from_float(cls, f):
        return cls(f)
    @classmethod
    def from_decimal(cls, d):
        return cls(str(d))
    def as_integer_ratio(self):
        return (self._n, self._d)
    def limit_denominator(self, max_denominator=1000000):
        if max_denominator < 1:
            raise ValueError('max_denominator should be at least 1')
        if self._d <= max_denominator:
            return Fraction(self)
        p0, q0, p1, q1 = 0, 1, 1, 0
        n, d = self._n, self._d
        while True:
            a = n // d
            q2 = q0 + a * q1
            if q2 > max_denominator:
                break
            p0, q0, p1, q1 = p1, q1, p0 + a * p1, q2
            n, d = d, n - a * d
        k = (max_denominator - q0) // q1
        bound1 = Fraction(p0 + k * p1, q0 + k * q1)
        bound2 = Fraction(p1, q1)
        if abs(bound2 - self) <= abs(bound1 - self):
            return bound2
        return bound1
    def __repr__(self):
        return 'Fraction(%s, %s)' % (self._n, self._d)
    def __str__(self):
        if self._d == 1:
            return str(self._n)
        return '%s/%s' % (self._n, self._d)
    def __format__(self, spec):
        if not spec:
            return str(self)
        return format(float(self), spec)
    def __add__(self, other):
        o = _coerce(other)
        if o is None:
            return float(self) + other
        return Fraction(self._n * o._d + o._n * self._d, self._d * o._d)
    def __radd__(self, other):
        return self.__add__(other)
    def __sub__(self, other):
        o = _coerce(other)
        if o is None:
            return float(self) - other
        return Fraction(self._n * o._d - o._n * self._d, self._d * o._d)
    def __rsub__(self, other):
        o = _coerce(other)
        if o is None:
            return other - float(self)
        return o.__sub__(self)
    def __mul__(self, other):
        o = _coerce(other)
        if o is None:
            return float(self) * other
        return Fraction(self._n * o._n, self._d * o._d)
    def __rmul__(self, other):
        return self.__mul__(other)
    def __truediv__(self, other):
        o = _coerce(other)
        if o is None:
            return float(self) / other
        if o._n == 0:
            raise ZeroDivisionError('Fraction(%s, 0)' % (self._n * o._d))
        return Fraction(self._n * o._d, self._d * o._n)
    def __rtruediv__(self, other):
        o = _coerce(other)
        if o is None:
            return other / float(self)
        return o.__truediv__(self)
    def __floordiv__(self, other):
        o = _coerce(other)
        if o is None:
            return float(self) // other
        return (self._n * o._d) // (self._d * o._n)
    def __rfloordiv__(self, other):
        return _coerce(other).__floordiv__(self)
    def __mod__(self, other):
        o = _coerce(other)
        if o is None:
            return float(self) % other
        return Fraction((self._n * o._d) % (o._n * self._d), self._d * o._d)
    def __divmod__(self, other):
        return (self // other, self % other)
    def __pow__(self, power):
        if isinstance(power, int):
            if power >= 0:
                return Fraction(self._n ** power, self._d ** power)
            if self._n == 0:
                raise ZeroDivisionError('Fraction(%s, 0)' % (self._d ** -power))
            return Fraction(self._d ** -power, self._n ** -power)
        if isinstance(power, Fraction) and power._d == 1:
            return self ** power._n
        return float(self) ** float(power)
    def __rpow__(self, base):
        if self._d == 1 and self._n >= 0:
            return base ** self._n
        return base ** float(self)
    def __neg__(self):
        return Fraction(-self._n, self._d)
    def __pos__(self):
        return Fraction(self._n, self._d)
    def __abs__(self):
        return Fraction(abs(self._n), self._d)
    def __int__(self):
        if self._n < 0:
            return -(-self._n // self._d)
        return self._n // self._d
    def __trunc__(self):
        return self.__int__()
    def __floor__(self):
        return self._n // self._d
    def __ceil__(self):
        return -(-self._n // self._d)
    def __round__(self, ndigits=None):
        if ndigits is None:
            floor, remainder = divmod(self._n, self._d)
            if remainder * 2 < self._d:
                return floor
            if remainder * 2 > self._d:
                return floor + 1
            if floor % 2 == 0:
                return floor
            return floor + 1
        shift = 10 ** abs(ndigits)
        if ndigits > 0:
            return Fraction(round(self * shift), shift)
        return Fraction(round(self / shift) * shift)
    def __float__(self):
        return _to_float(self._n, self._d)
    def __bool__(self):
        return self._n != 0
    def __hash__(self):
        if self._d == 1:
            return hash(self._n)
        return hash(float(self))
    def __eq__(self, other):
        if isinstance(other, Fraction):
            return self._n == other._n and self._d == other._d
        if isinstance(other, int):
            return self._d == 1 and self._n == other
        if isinstance(other, float):
            if other != other or other in (float('inf'), -float('inf')):
                return False
            return self == Fraction(other)
        return NotImplemented
    def _cmp(self, other):
        o = _coerce(other)
        if o is None:
            if isinstance(other, float):
                return float(self) - other
            return None
        return self._n * o._d - o._n * self._d
    def __lt__(self, other):
        c = self._cmp(other)
        return NotImplemented if c is None else c < 0
    def __le__(self, other):
        c = self._cmp(other)
        return NotImplemented if c is None else c <= 0
    def __gt__(self, other):
        c = self._cmp(other)
        return NotImplemented if c is None else c > 0
    def __ge__(self, other):
        c = self._cmp(other)
        return NotImplemented if c is None else c >= 0


def _coerce(x):
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return None


def _float_ratio(x):
    if x != x:
        raise ValueError('cannot convert NaN to integer ratio')
    if x in (float('inf'), -float('inf')):
        raise OverflowError('cannot convert Infinity to integer ratio')
    m, e = math.frexp(x)
    n = int(m * 9007199254740992)
    e -= 53
    if e > 0:
        return (n * 2 ** e, 1)
    return (n, 2 ** -e)


def _to_float(n, d):
    # Correctly rounded n/d (ints divide exactly-rounded in Python).
    return n / d


def _parse(text):
    s = text.strip()
    if not s:
        raise ValueError('Invalid literal for Fraction: ' + repr(text))
    if '/' in s:
        a, b = s.split('/', 1)
        a = a.strip()
        b = b.strip()
        if not _is_int(a) or not b.isdigit():
            raise ValueError('Invalid literal for Fraction: ' + repr(text))
        d = int(b)
        if d == 0:
            raise ZeroDivisionError('Fraction(%s, 0)' % int(a))
        return (int(a), d)
    sign = 1
    if s[0] in '+-':
        if s[0] == '-':
            sign = -1
        s = s[1:]
    exp = 0
    lower = s.lower()
    if 'e' in lower:
        at = lower.index('e')
        e = s[at + 1:]
        s = s[:at]
        if not _is_int(e):
            raise ValueError('Invalid literal for Fraction: ' + repr(text))
        exp = int(e)
    if '.' in s:
        whole, frac = s.split('.', 1)
    else:
        whole, frac = s, ''
    if (whole and not whole.isdigit()) or (frac and not frac.isdigit()) or not (whole or frac):
        raise ValueError('Invalid literal for Fraction: ' + repr(text))
    n = int(whole + frac) if (whole + frac) else 0
    d = 10 ** len(frac)
    if exp >= 0:
        n *= 10 ** exp
    else:
        d *= 10 ** -exp
    return (sign * n, d)


def _is_int(s):
    if s[:1] in ('+', '-'):
        s = s[1:]
    return s.isdigit()
