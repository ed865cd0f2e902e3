# The class a user class deriving from `float` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Compare
from _sl_base_values import _Number, _Immutable


class float_:
    __module__ = 'builtins'
    _sl_builtin_base = 'float'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', float(*[_v(a) for a in args], **kwargs))
        return self

    def __init__(self, *args, **kwargs):
        pass


_mix(float_, _Number, _Immutable, _Base, _Compare)
