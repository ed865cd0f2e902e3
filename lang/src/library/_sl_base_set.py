# The class a user class deriving from `set` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container, _Compare
from _sl_base_values import _SetOps


class set_:
    __module__ = 'builtins'
    _sl_builtin_base = 'set'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', set())
        return self

    def __init__(self, *args):
        if len(args) > 1:
            raise TypeError('set expected at most 1 argument, got ' + str(len(args)))
        self._sl_v.clear()
        if args:
            self._sl_v.update(_v(args[0]))

    def __iand__(self, other):
        self._sl_v &= _v(other)
        return self

    def __ior__(self, other):
        self._sl_v |= _v(other)
        return self

    def __isub__(self, other):
        self._sl_v -= _v(other)
        return self

    def __ixor__(self, other):
        self._sl_v ^= _v(other)
        return self

    __hash__ = None


_mix(set_, _SetOps, _Base, _Container, _Compare)
