# The class a user class deriving from `frozenset` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container
from _sl_base_values import _Immutable


class frozenset_:
    __module__ = 'builtins'
    _sl_builtin_base = 'frozenset'

    def __new__(cls, *args):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', frozenset(*[_v(a) for a in args]))
        return self

    def __init__(self, *args):
        pass

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


_mix(frozenset_, _Immutable, _Base, _Container)
