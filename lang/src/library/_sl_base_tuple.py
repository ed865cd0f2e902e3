# The class a user class deriving from `tuple` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container, _Compare
from _sl_base_values import _Sequence, _Immutable


class tuple_:
    __module__ = 'builtins'
    _sl_builtin_base = 'tuple'
    _sl_match_kind = 'sequence'

    def __new__(cls, *args):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', tuple(*[_v(a) for a in args]))
        return self

    def __init__(self, *args):
        pass


_mix(tuple_, _Sequence, _Immutable, _Base, _Container, _Compare)
