# cmath: complex math with CPython's formulas for finite arguments (sqrt, exp, log, log10, the
# trigonometric and hyperbolic sine, cosine and tangent, phase, polar, rect, isclose, the
# is* tests, the constants). Not there: the inverse trigonometric and hyperbolic functions, and
# CPython's special-value tables for infinite and NaN parts (those follow the formulas).
import math

pi = math.pi
e = math.e
tau = math.tau
inf = math.inf
nan = math.nan
infj = complex(0.0, math.inf)
nanj = complex(0.0, math.nan)

_LARGE = 1.7976931348623157e308 / 4.0
_MIN_NORMAL = 2.2250738585072014e-308
_LOG_LARGE = 709.0895657128241


def _c(z):
    if isinstance(z, complex):
        return z
    if isinstance(z, (int, float)):
        return complex(z)
    raise TypeError('must be real number, not %s' % type(z).__name__)


def phase(z):
    z = _c(z)
    return math.atan2(z.imag, z.real)


def polar(z):
    z = _c(z)
    return abs(z), math.atan2(z.imag, z.real)


def rect(r, phi):
    r = float(r)
    phi = float(phi)
    return complex(r * math.cos(phi), r * math.sin(phi))


def sqrt(z):
    z = _c(z)
    if z.real == 0.0 and z.imag == 0.0:
        return complex(0.0, z.imag)
    ax = abs(z.real)
    ay = abs(z.imag)
    if ax < _MIN_NORMAL and ay < _MIN_NORMAL:
        # Subnormal parts: scaled up first, as CPython does.
        ax = math.ldexp(ax, 53)
        s = math.ldexp(math.sqrt(ax + math.hypot(ax, math.ldexp(ay, 53))), -27)
    else:
        ax /= 8.0
        s = 2.0 * math.sqrt(ax + math.hypot(ax, ay / 8.0))
    d = ay / (2.0 * s)
    if z.real >= 0.0:
        return complex(s, math.copysign(d, z.imag))
    return complex(d, math.copysign(s, z.imag))


def _finite(z, r):
    # A finite argument with an infinite result overflowed.
    if isfinite(z) and not isfinite(r):
        raise OverflowError('math range error')
    return r


def exp(z):
    z = _c(z)
    if z.real > _LOG_LARGE:
        l = math.exp(z.real - 1.0)
        r = complex(l * math.cos(z.imag) * math.e, l * math.sin(z.imag) * math.e)
    else:
        l = math.exp(z.real)
        r = complex(l * math.cos(z.imag), l * math.sin(z.imag))
    return _finite(z, r)


def _log(z):
    ax = abs(z.real)
    ay = abs(z.imag)
    if ax == 0.0 and ay == 0.0:
        raise ValueError('math domain error')
    if ax > _LARGE or ay > _LARGE:
        re = math.log(math.hypot(ax / 2.0, ay / 2.0)) + math.log(2.0)
    else:
        h = math.hypot(ax, ay)
        if 0.71 <= h <= 1.73:
            am = max(ax, ay)
            an = min(ax, ay)
            re = math.log1p((am - 1) * (am + 1) + an * an) / 2.0
        else:
            re = math.log(h)
    return complex(re, math.atan2(z.imag, z.real))


def log(z, base=None):
    r = _log(_c(z))
    if base is not None:
        b = _log(_c(base))
        if b == 0:
            raise ValueError('math domain error')
        r = r / b
    return r


def log10(z):
    r = _log(_c(z))
    ln10 = math.log(10.0)
    return complex(r.real / ln10, r.imag / ln10)


def _sinh(z):
    return complex(math.cos(z.imag) * math.sinh(z.real), math.sin(z.imag) * math.cosh(z.real))


def _cosh(z):
    return complex(math.cos(z.imag) * math.cosh(z.real), math.sin(z.imag) * math.sinh(z.real))


def _tanh(z):
    if abs(z.real) > _LOG_LARGE:
        return complex(math.copysign(1.0, z.real),
                       4.0 * math.sin(z.imag) * math.cos(z.imag) * math.exp(-2.0 * abs(z.real)))
    tx = math.tanh(z.real)
    ty = math.tan(z.imag)
    cx = 1.0 / math.cosh(z.real)
    txty = tx * ty
    denom = 1.0 + txty * txty
    return complex(tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx)


def sinh(z):
    return _sinh(_c(z))


def cosh(z):
    return _cosh(_c(z))


def tanh(z):
    return _tanh(_c(z))


# The circular functions through the hyperbolic ones (CPython's way):
# sin z = -i sinh(iz), cos z = cosh(iz), tan z = -i tanh(iz).
def _times_i(z):
    return complex(-z.imag, z.real)


def _times_minus_i(z):
    return complex(z.imag, -z.real)


def sin(z):
    return _times_minus_i(_sinh(_times_i(_c(z))))


def cos(z):
    return _cosh(_times_i(_c(z)))


def tan(z):
    return _times_minus_i(_tanh(_times_i(_c(z))))


def isfinite(z):
    z = _c(z)
    return math.isfinite(z.real) and math.isfinite(z.imag)


def isinf(z):
    z = _c(z)
    return math.isinf(z.real) or math.isinf(z.imag)


def isnan(z):
    z = _c(z)
    return math.isnan(z.real) or math.isnan(z.imag)


def isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0):
    a = _c(a)
    b = _c(b)
    if rel_tol < 0.0 or abs_tol < 0.0:
        raise ValueError('tolerances must be non-negative')
    if a == b:
        return True
    if isinf(a) or isinf(b):
        return False
    diff = abs(b - a)
    return diff <= abs(rel_tol * b) or diff <= abs(rel_tol * a) or diff <= abs_tol
