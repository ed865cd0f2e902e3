# The class a user class deriving from `set` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container


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

    def __le__(self, other):
        return self._sl_v <= _v(other)

    def __lt__(self, other):
        return self._sl_v < _v(other)

    def __ge__(self, other):
        return self._sl_v >= _v(other)

    def __gt__(self, other):
        return self._sl_v > _v(other)

    __hash__ = None


_mix(set_, _Base, _Container)
