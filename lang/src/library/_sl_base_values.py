# What the immutable bases (str, tuple, frozenset, int, float) share (see `_sl_bases`).
from _sl_bases import _v


class _Immutable:
    def __hash__(self):
        return hash(self._sl_v)

    # The VM keys an instance whose `__hash__` is still this one by its value, so `Tag('a')`
    # and `'a'` are one dict key, as equal str do.
    _sl_hash = __hash__



class _Sequence:
    # str and tuple: indexing, concatenation and repetition give the builtin type.
    def __getitem__(self, index):
        return self._sl_v[index]

    def __add__(self, other):
        return self._sl_v + _v(other)

    def __radd__(self, other):
        return _v(other) + self._sl_v

    def __mul__(self, n):
        return self._sl_v * n

    __rmul__ = __mul__


class _Number:
    # No `__str__`: as for int and float, str() is repr(), a subclass's own `__repr__` included.
    def __format__(self, spec):
        # An empty spec is str(), a subclass's own `__str__` included.
        if not spec:
            return str(self)
        return format(self._sl_v, spec)

    def __bool__(self):
        return self._sl_v != 0

    def __int__(self):
        return int(self._sl_v)

    def __float__(self):
        return float(self._sl_v)


    def __neg__(self):
        return -self._sl_v

    def __pos__(self):
        return +self._sl_v

    def __abs__(self):
        return abs(self._sl_v)

    def __round__(self, *n):
        return round(self._sl_v, *n)

    def __add__(self, other):
        return self._sl_v + _v(other)

    def __sub__(self, other):
        return self._sl_v - _v(other)

    def __rsub__(self, other):
        return _v(other) - self._sl_v

    def __mul__(self, other):
        return self._sl_v * _v(other)

    def __rmul__(self, other):
        return _v(other) * self._sl_v

    def __truediv__(self, other):
        return self._sl_v / _v(other)

    def __rtruediv__(self, other):
        return _v(other) / self._sl_v

    def __floordiv__(self, other):
        return self._sl_v // _v(other)

    def __rfloordiv__(self, other):
        return _v(other) // self._sl_v

    def __mod__(self, other):
        return self._sl_v % _v(other)

    def __rmod__(self, other):
        return _v(other) % self._sl_v

    def __divmod__(self, other):
        return divmod(self._sl_v, _v(other))

    def __rdivmod__(self, other):
        return divmod(_v(other), self._sl_v)

    def __pow__(self, other, *mod):
        return pow(self._sl_v, _v(other), *mod)

    def __rpow__(self, other):
        return _v(other) ** self._sl_v


class _SetOps:
    # set and frozenset: the operators give the builtin type; the repr names the subclass.
    def __and__(self, other):
        return self._sl_v & _v(other)

    def __or__(self, other):
        return self._sl_v | _v(other)

    def __sub__(self, other):
        return self._sl_v - _v(other)

    def __xor__(self, other):
        return self._sl_v ^ _v(other)

    def __rand__(self, other):
        return _v(other) & self._sl_v

    def __ror__(self, other):
        return _v(other) | self._sl_v

    def __rsub__(self, other):
        return _v(other) - self._sl_v

    def __rxor__(self, other):
        return _v(other) ^ self._sl_v

    def __repr__(self):
        # `S({1, 2})`, `S()`: a set subclass names its class, as CPython's set_repr does.
        if not self._sl_v:
            return type(self).__name__ + '()'
        shown = repr(self._sl_v)
        if shown[:10] == 'frozenset(':
            shown = shown[10:-1]
        return type(self).__name__ + '(' + shown + ')'
