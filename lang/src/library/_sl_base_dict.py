# The class a user class deriving from `dict` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container


class dict_:
    __module__ = 'builtins'
    _sl_builtin_base = 'dict'
    _sl_match_kind = 'mapping'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', {})
        return self

    def __init__(self, *args, **kwargs):
        if len(args) > 1:
            raise TypeError('dict expected at most 1 argument, got ' + str(len(args)))
        if args:
            self._sl_v.update(_v(args[0]))
        self._sl_v.update(kwargs)

    def __getitem__(self, key):
        d = self._sl_v
        if key in d:
            return d[key]
        missing = getattr(type(self), '__missing__', None)
        if missing is not None:
            return missing(self, key)
        return d[key]

    def __setitem__(self, key, value):
        self._sl_v[key] = value

    def __delitem__(self, key):
        del self._sl_v[key]

    def __reversed__(self):
        return reversed(self._sl_v)

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        return self._sl_v | _v(other)

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        return _v(other) | self._sl_v

    def __ior__(self, other):
        self._sl_v |= _v(other)
        return self

    def keys(self):
        return self._sl_v.keys()

    def values(self):
        return self._sl_v.values()

    def items(self):
        return self._sl_v.items()

    def get(self, key, default=None):
        return self._sl_v.get(key, default)

    def pop(self, key, *default):
        return self._sl_v.pop(key, *default)

    def setdefault(self, key, default=None):
        return self._sl_v.setdefault(key, default)

    def update(self, *args, **kwargs):
        if args:
            args = (_v(args[0]),) + args[1:]
        self._sl_v.update(*args, **kwargs)

    def copy(self):
        return self._sl_v.copy()

    @classmethod
    def fromkeys(cls, iterable, value=None):
        made = cls()
        for k in iterable:
            made[k] = value
        return made

    __hash__ = None


_mix(dict_, _Base, _Container)
