# The classes a user class derives from when it names a builtin type as a base (`class
# Registry(dict)`, `class Stack(list)`, `class Tag(str)`): the VM substitutes these, so the
# class's `__mro__` reads `(<class 'Registry'>, <class 'dict'>, <class 'object'>)` and its
# instances are `isinstance(x, dict)`.
#
# The classes are `dict_`, `list_`, …: a top-level `dict` here would hide the builtin from
# the whole module; the VM names them `dict`, `list`, … when it first substitutes one, and
# each says `__module__ = 'builtins'`, so they print as the builtin does.
#
# Each instance keeps the builtin value in `_sl_v`, made by `__new__` (so a subclass's own
# `__init__` need not call the base's, as in CPython). Methods and operators delegate to it,
# which is CPython's behaviour too: a builtin's methods do not call a subclass's overrides
# (`dict.update` does not call `__setitem__`), and the ones that make a new value return the
# builtin type (`Stack([1]) + [2]` is a list). Names that the builtin does not have raise
# AttributeError naming the subclass.
#
# Differences from CPython: `vars(x)` shows `_sl_v`; a str/int/float subclass instance is not
# accepted where the VM's own builtins need the exact type (`'-'.join` takes them as items,
# `int.bit_length(x)` does not).
import _sl

_dict = dict
_list = list
_str = str
_int = int
_float = float
_tuple = tuple
_set = set
_frozenset = frozenset
_bytes = bytes


def _v(x):
    # The builtin value inside a wrapped instance, else `x`.
    if _sl.is_instance(x) and hasattr(type(x), '_sl_builtin_base'):
        return x._sl_v
    return x


class _Base:
    def __getattr__(self, name):
        if name == '_sl_v':
            raise AttributeError("'" + type(self).__name__ + "' object has no attribute '_sl_v'")
        try:
            return getattr(self._sl_v, name)
        except AttributeError:
            pass
        raise AttributeError("'" + type(self).__name__ + "' object has no attribute '" + name + "'")

    def __repr__(self):
        return repr(self._sl_v)

    def __len__(self):
        return len(self._sl_v)

    def __iter__(self):
        return iter(self._sl_v)

    def __contains__(self, item):
        return item in self._sl_v

    def __eq__(self, other):
        return self._sl_v == _v(other)

    def __ne__(self, other):
        return self._sl_v != _v(other)

    def __copy__(self):
        new = object.__new__(type(self))
        for k, x in vars(self).items():
            object.__setattr__(new, k, x)
        object.__setattr__(new, '_sl_v', self._sl_v.copy())
        return new

    def __deepcopy__(self, memo):
        import copy
        new = object.__new__(type(self))
        memo[id(self)] = new
        for k, x in vars(self).items():
            object.__setattr__(new, k, copy.deepcopy(x, memo))
        return new


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
            raise TypeError('dict expected at most 1 argument, got ' + _str(len(args)))
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
        if not isinstance(other, _dict):
            return NotImplemented
        return self._sl_v | _v(other)

    def __ror__(self, other):
        if not isinstance(other, _dict):
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
            raise TypeError('list expected at most 1 argument, got ' + _str(len(args)))
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
        if not isinstance(other, _list):
            raise TypeError('can only concatenate list (not "' + type(other).__name__ + '") to list')
        return self._sl_v + _v(other)

    def __radd__(self, other):
        if not isinstance(other, _list):
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

    def __lt__(self, other):
        return self._sl_v < _v(other)

    def __le__(self, other):
        return self._sl_v <= _v(other)

    def __gt__(self, other):
        return self._sl_v > _v(other)

    def __ge__(self, other):
        return self._sl_v >= _v(other)

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


class _Immutable:
    def __hash__(self):
        return hash(self._sl_v)

    # The VM keys an instance whose `__hash__` is still this one by its value, so `Tag('a')`
    # and `'a'` are one dict key, as equal str do.
    _sl_hash = __hash__

    def __lt__(self, other):
        return self._sl_v < _v(other)

    def __le__(self, other):
        return self._sl_v <= _v(other)

    def __gt__(self, other):
        return self._sl_v > _v(other)

    def __ge__(self, other):
        return self._sl_v >= _v(other)

    def __getitem__(self, index):
        return self._sl_v[index]

    def __add__(self, other):
        return self._sl_v + _v(other)

    def __radd__(self, other):
        return _v(other) + self._sl_v

    def __mul__(self, n):
        return self._sl_v * n

    __rmul__ = __mul__

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class str_:
    __module__ = 'builtins'
    _sl_builtin_base = 'str'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', _str(*[_v(a) for a in args], **kwargs))
        return self

    def __init__(self, *args, **kwargs):
        pass

    def __str__(self):
        return self._sl_v

    def __format__(self, spec):
        return format(self._sl_v, spec)

    def __mod__(self, args):
        return self._sl_v % args


class tuple_:
    __module__ = 'builtins'
    _sl_builtin_base = 'tuple'
    _sl_match_kind = 'sequence'

    def __new__(cls, *args):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', _tuple(*[_v(a) for a in args]))
        return self

    def __init__(self, *args):
        pass


class frozenset_:
    __module__ = 'builtins'
    _sl_builtin_base = 'frozenset'

    def __new__(cls, *args):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', _frozenset(*[_v(a) for a in args]))
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


class set_:
    __module__ = 'builtins'
    _sl_builtin_base = 'set'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', _set())
        return self

    def __init__(self, *args):
        if len(args) > 1:
            raise TypeError('set expected at most 1 argument, got ' + _str(len(args)))
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


class _Number:
    # No `__str__`: as for int and float, str() is repr(), a subclass's own `__repr__` included.
    def __format__(self, spec):
        return format(self._sl_v, spec)

    def __bool__(self):
        return self._sl_v != 0

    def __int__(self):
        return _int(self._sl_v)

    def __float__(self):
        return _float(self._sl_v)

    def __index__(self):
        return self._sl_v.__index__()

    def __neg__(self):
        return -self._sl_v

    def __pos__(self):
        return +self._sl_v

    def __abs__(self):
        return abs(self._sl_v)

    def __round__(self, *n):
        return round(self._sl_v, *n)

    def __add__(self, other):
        return self._sl_v + _v(other)

    def __sub__(self, other):
        return self._sl_v - _v(other)

    def __rsub__(self, other):
        return _v(other) - self._sl_v

    def __mul__(self, other):
        return self._sl_v * _v(other)

    def __rmul__(self, other):
        return _v(other) * self._sl_v

    def __truediv__(self, other):
        return self._sl_v / _v(other)

    def __rtruediv__(self, other):
        return _v(other) / self._sl_v

    def __floordiv__(self, other):
        return self._sl_v // _v(other)

    def __rfloordiv__(self, other):
        return _v(other) // self._sl_v

    def __mod__(self, other):
        return self._sl_v % _v(other)

    def __rmod__(self, other):
        return _v(other) % self._sl_v

    def __divmod__(self, other):
        return divmod(self._sl_v, _v(other))

    def __rdivmod__(self, other):
        return divmod(_v(other), self._sl_v)

    def __pow__(self, other, *mod):
        return pow(self._sl_v, _v(other), *mod)

    def __rpow__(self, other):
        return _v(other) ** self._sl_v


class int_:
    __module__ = 'builtins'
    _sl_builtin_base = 'int'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', _int(*[_v(a) for a in args], **kwargs))
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


class float_:
    __module__ = 'builtins'
    _sl_builtin_base = 'float'

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', _float(*[_v(a) for a in args], **kwargs))
        return self

    def __init__(self, *args, **kwargs):
        pass


def _mix(cls, *sources):
    # The shared methods go into each class itself: the classes' MRO stays the builtin's
    # (`(Registry, dict, object)`), with no helper class on it.
    for source in sources:
        for name, value in vars(source).items():
            if name not in _NOT_MIXED and name not in vars(cls):
                setattr(cls, name, value)


_NOT_MIXED = ('__dict__', '__weakref__', '__module__', '__doc__', '__qualname__')
_mix(dict_, _Base)
_mix(list_, _Base)
_mix(set_, _Base)
_mix(str_, _Immutable, _Base)
_mix(tuple_, _Immutable, _Base)
_mix(frozenset_, _Immutable, _Base)
_mix(int_, _Number, _Immutable, _Base)
_mix(float_, _Number, _Immutable, _Base)
