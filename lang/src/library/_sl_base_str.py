# The class a user class deriving from `str` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container, _Compare
from _sl_base_values import _Sequence, _Immutable


class str_:
    __module__ = 'builtins'
    _sl_builtin_base = 'str'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', str(*[_v(a) for a in args], **kwargs))
        return self

    def __init__(self, *args, **kwargs):
        pass

    def __str__(self):
        return self._sl_v

    def __format__(self, spec):
        if not spec:
            return str(self)
        return format(self._sl_v, spec)

    def __mod__(self, args):
        return self._sl_v % args


_mix(str_, _Sequence, _Immutable, _Base, _Container, _Compare)
