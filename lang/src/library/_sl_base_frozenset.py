# The class a user class deriving from `frozenset` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container, _Compare
from _sl_base_values import _SetOps, _Immutable


class frozenset_:
    __module__ = 'builtins'
    _sl_builtin_base = 'frozenset'

    def __new__(cls, *args):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', frozenset(*[_v(a) for a in args]))
        return self

    def __init__(self, *args):
        pass



_mix(frozenset_, _SetOps, _Immutable, _Base, _Container, _Compare)
