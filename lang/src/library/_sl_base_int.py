# The class a user class deriving from `int` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Compare
from _sl_base_values import _Number, _Immutable


class int_:
    __module__ = 'builtins'
    _sl_builtin_base = 'int'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', int(*[_v(a) for a in args], **kwargs))
        return self

    def __init__(self, *args, **kwargs):
        pass

    def __and__(self, other):
        return self._sl_v & _v(other)

    __rand__ = __and__

    def __or__(self, other):
        return self._sl_v | _v(other)

    __ror__ = __or__

    def __xor__(self, other):
        return self._sl_v ^ _v(other)

    __rxor__ = __xor__

    def __lshift__(self, other):
        return self._sl_v << _v(other)

    def __rshift__(self, other):
        return self._sl_v >> _v(other)

    def __invert__(self):
        return ~self._sl_v

    def __rlshift__(self, other):
        return _v(other) << self._sl_v

    def __rrshift__(self, other):
        return _v(other) >> self._sl_v

    def __index__(self):
        return self._sl_v


_mix(int_, _Number, _Immutable, _Base, _Compare)
