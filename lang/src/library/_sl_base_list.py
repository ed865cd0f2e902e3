# The class a user class deriving from `list` derives from (see `_sl_bases`).
from _sl_bases import _v, _mix, _Base, _Container, _Compare


class list_:
    __module__ = 'builtins'
    _sl_builtin_base = 'list'
    _sl_match_kind = 'sequence'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', [])
        return self

    def __init__(self, *args):
        if len(args) > 1:
            raise TypeError('list expected at most 1 argument, got ' + str(len(args)))
        self._sl_v.clear()
        if args:
            self._sl_v.extend(_v(args[0]))

    def __getitem__(self, index):
        return self._sl_v[index]

    def __setitem__(self, index, value):
        self._sl_v[index] = _v(value) if isinstance(index, slice) else value

    def __delitem__(self, index):
        del self._sl_v[index]

    def __reversed__(self):
        return reversed(self._sl_v)

    def __add__(self, other):
        if not isinstance(other, list):
            raise TypeError('can only concatenate list (not "' + type(other).__name__ + '") to list')
        return self._sl_v + _v(other)

    def __radd__(self, other):
        if not isinstance(other, list):
            return NotImplemented
        return _v(other) + self._sl_v

    def __iadd__(self, other):
        self._sl_v.extend(_v(other))
        return self

    def __mul__(self, n):
        return self._sl_v * n

    __rmul__ = __mul__

    def __imul__(self, n):
        self._sl_v *= n
        return self

    def extend(self, iterable):
        self._sl_v.extend(_v(iterable))

    def append(self, item):
        self._sl_v.append(item)

    def insert(self, index, item):
        self._sl_v.insert(index, item)

    def pop(self, *index):
        return self._sl_v.pop(*index)

    def sort(self, *, key=None, reverse=False):
        self._sl_v.sort(key=key, reverse=reverse)

    def copy(self):
        return self._sl_v.copy()

    __hash__ = None


_mix(list_, _Base, _Container, _Compare)
