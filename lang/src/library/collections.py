# collections: deque, defaultdict, Counter, OrderedDict, namedtuple, ChainMap.
# defaultdict, OrderedDict and Counter are dict subclasses, as in CPython (the dict inside is
# `_sl_v`, see `_sl_bases`); what they share beyond dict is `_Mapping`'s, copied into each so
# the MRO reads `(Counter, dict, object)`. A namedtuple is a tuple subclass the same way.
import _sl
from _sl_bases import _v

class deque:
    _sl_match_kind = 'sequence'   # what `match` takes it for (CPython: a type flag)
    def __init__(self, iterable=(), maxlen=None):
        if maxlen is not None:
            if not isinstance(maxlen, int):
                raise TypeError('an integer is required')
            if maxlen < 0:
                raise ValueError('maxlen must be non-negative')
        self._items = []
        self._head = 0
        self.maxlen = maxlen
        for x in iterable:
            self.append(x)
    def _compact(self):
        if self._head > 16 and self._head * 2 > len(self._items):
            self._items = self._items[self._head:]
            self._head = 0
    def append(self, x):
        if self.maxlen == 0:
            return
        self._items.append(x)
        if self.maxlen is not None and len(self._items) - self._head > self.maxlen:
            self.popleft()
    def appendleft(self, x):
        if self.maxlen == 0:
            return
        if self._head > 0:
            self._head -= 1
            self._items[self._head] = x
        else:
            self._items.insert(0, x)
        if self.maxlen is not None and len(self._items) - self._head > self.maxlen:
            self._items.pop()
    def pop(self):
        if len(self._items) == self._head:
            raise IndexError('pop from an empty deque')
        x = self._items.pop()
        if len(self._items) == self._head:
            self._items = []
            self._head = 0
        return x
    def popleft(self):
        if len(self._items) == self._head:
            raise IndexError('pop from an empty deque')
        x = self._items[self._head]
        self._items[self._head] = None
        self._head += 1
        if self._head == len(self._items):
            self._items = []
            self._head = 0
        else:
            self._compact()
        return x
    def extend(self, iterable):
        if iterable is self:
            iterable = list(iterable)
        for x in iterable:
            self.append(x)
    def extendleft(self, iterable):
        if iterable is self:
            iterable = list(iterable)
        for x in iterable:
            self.appendleft(x)
    def clear(self):
        self._items = []
        self._head = 0
    def copy(self):
        return deque(self, self.maxlen)
    def __copy__(self):
        return self.copy()
    def count(self, x):
        n = 0
        for y in self:
            if y is x or y == x:
                n += 1
        return n
    def index(self, x, start=0, stop=None):
        items = self._items[self._head:]
        if stop is None:
            stop = len(items)
        i = start
        while i < stop and i < len(items):
            if items[i] is x or items[i] == x:
                return i
            i += 1
        raise ValueError(repr(x) + ' is not in deque')
    def insert(self, i, x):
        if self.maxlen is not None and len(self) >= self.maxlen:
            raise IndexError('deque already at its maximum size')
        items = self._items[self._head:]
        items.insert(i, x)
        self._items = items
        self._head = 0
    def remove(self, value):
        items = self._items[self._head:]
        for i in range(len(items)):
            if items[i] is value or items[i] == value:
                del items[i]
                self._items = items
                self._head = 0
                return
        raise ValueError(repr(value) + ' is not in deque')
    def reverse(self):
        items = self._items[self._head:]
        items.reverse()
        self._items = items
        self._head = 0
    def rotate(self, n=1):
        size = len(self)
        if size <= 1:
            return
        n = n % size
        if n == 0:
            return
        items = self._items[self._head:]
        self._items = items[size - n:] + items[:size - n]
        self._head = 0
    def __len__(self):
        return len(self._items) - self._head
    def __bool__(self):
        return len(self._items) > self._head
    def __iter__(self):
        items = self._items
        i = self._head
        n = len(items)
        while i < n:
            yield items[i]
            if n != len(self._items) or items is not self._items:
                raise RuntimeError('deque mutated during iteration')
            i += 1
    def __reversed__(self):
        return iter(self._items[self._head:][::-1])
    def __contains__(self, x):
        for y in self._items[self._head:]:
            if y is x or y == x:
                return True
        return False
    def _index(self, i):
        n = len(self)
        if not isinstance(i, int):
            raise TypeError('sequence index must be integer, not \'' + type(i).__name__ + "'")
        if i < 0:
            i += n
        if i < 0 or i >= n:
            raise IndexError('deque index out of range')
        return self._head + i
    def __getitem__(self, i):
        return self._items[self._index(i)]
    def __setitem__(self, i, x):
        self._items[self._index(i)] = x
    def __delitem__(self, i):
        j = self._index(i)
        del self._items[j]
        if len(self._items) == self._head:
            self._items = []
            self._head = 0
    def __eq__(self, other):
        if not isinstance(other, deque):
            return False
        return self._items[self._head:] == other._items[other._head:]
    def __ne__(self, other):
        if not isinstance(other, deque):
            return False
        return self._items[self._head:] != other._items[other._head:]
    def __lt__(self, other):
        return self._items[self._head:] < other._items[other._head:]
    def __le__(self, other):
        return self._items[self._head:] <= other._items[other._head:]
    def __gt__(self, other):
        return self._items[self._head:] > other._items[other._head:]
    def __ge__(self, other):
        return self._items[self._head:] >= other._items[other._head:]
    def __add__(self, other):
        if not isinstance(other, deque):
            raise TypeError('can only concatenate deque (not "' + type(other).__name__ + '") to deque')
        d = deque(self, self.maxlen)
        d.extend(other)
        return d
    def __iadd__(self, other):
        self.extend(other)
        return self
    def __mul__(self, n):
        d = deque((), self.maxlen)
        items = self._items[self._head:]
        for _ in range(n):
            d.extend(items)
        return d
    def __repr__(self):
        body = repr(self._items[self._head:])
        if self.maxlen is None:
            return 'deque(' + body + ')'
        return 'deque(' + body + ', maxlen=' + str(self.maxlen) + ')'
    __hash__ = None


class _Mapping:
    # What the dict-like classes share beyond dict (copied into each by `_sl.mix`): updates
    # through `self[k] = v`, and equality and `|` that keep the class.
    # (The rest of dict's methods come from the dict base, `_sl_base_dict`.)
    def update(self, *args, **kwargs):
        if len(args) > 1:
            raise TypeError('update expected at most 1 argument, got ' + str(len(args)))
        if args:
            other = _v(args[0])
            if isinstance(other, dict) or hasattr(other, 'keys'):
                for k in other.keys():
                    self[k] = other[k]
            else:
                for k, v in other:
                    self[k] = v
        for k, v in kwargs.items():
            self[k] = v
    def __eq__(self, other):
        if isinstance(other, dict):
            return self._sl_v == _v(other)
        return False
    def __ne__(self, other):
        r = self.__eq__(other)
        return not r
    def __or__(self, other):
        new = self.copy()
        new.update(other)
        return new
    def __ior__(self, other):
        self.update(other)
        return self
    __hash__ = None


class defaultdict(dict):
    def __init__(self, default_factory=None, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError('first argument must be callable or None')
        self.default_factory = default_factory
        self.update(*args, **kwargs)
    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        self._sl_v[key] = value
        return value
    def copy(self):
        return defaultdict(self.default_factory, self._sl_v)
    def __copy__(self):
        return self.copy()
    def __repr__(self):
        f = self.default_factory
        if f is None:
            fr = 'None'
        else:
            fr = repr(f)
        return 'defaultdict(' + fr + ', ' + repr(self._sl_v) + ')'


class OrderedDict(dict):
    def __init__(self, *args, **kwargs):
        self.update(*args, **kwargs)
    def move_to_end(self, key, last=True):
        value = self._sl_v.pop(key)
        if last:
            self._sl_v[key] = value
        else:
            rest = list(self._sl_v.items())
            self._sl_v.clear()
            self._sl_v[key] = value
            for k, v in rest:
                self._sl_v[k] = v
    def popitem(self, last=True):
        if not self._sl_v:
            raise KeyError('dictionary is empty')
        if last:
            return self._sl_v.popitem()
        key = next(iter(self._sl_v))
        return (key, self._sl_v.pop(key))
    def __reversed__(self):
        return iter(list(self._sl_v)[::-1])
    def copy(self):
        return OrderedDict(self._sl_v)
    def __copy__(self):
        return self.copy()
    def __eq__(self, other):
        if isinstance(other, OrderedDict):
            return list(self._sl_v.items()) == list(other._sl_v.items())
        return _Mapping.__eq__(self, other)
    def __repr__(self):
        if not self._sl_v:
            return 'OrderedDict()'
        return 'OrderedDict(' + repr(list(self._sl_v.items())) + ')'
    @classmethod
    def fromkeys(cls, iterable, value=None):
        d = cls()
        for k in iterable:
            d[k] = value
        return d


class Counter(dict):
    def __init__(self, iterable=None, **kwargs):
        self.update(iterable, **kwargs)
    def __missing__(self, key):
        return 0
    def total(self):
        return sum(self._sl_v.values())
    def most_common(self, n=None):
        items = sorted(self._sl_v.items(), key=_count_of, reverse=True)
        if n is None:
            return items
        return items[:max(n, 0)]
    def elements(self):
        for k, v in self._sl_v.items():
            for _ in range(v):
                yield k
    def update(self, iterable=None, **kwargs):
        if iterable is not None:
            if isinstance(iterable, dict):
                for k, v in iterable.items():
                    self._sl_v[k] = self._sl_v.get(k, 0) + v
            else:
                _sl.count_elements(self._sl_v, iterable)
        for k, v in kwargs.items():
            self._sl_v[k] = self._sl_v.get(k, 0) + v
    def subtract(self, iterable=None, **kwargs):
        if iterable is not None:
            if isinstance(iterable, dict):
                for k, v in iterable.items():
                    self._sl_v[k] = self._sl_v.get(k, 0) - v
            else:
                for k in iterable:
                    self._sl_v[k] = self._sl_v.get(k, 0) - 1
        for k, v in kwargs.items():
            self._sl_v[k] = self._sl_v.get(k, 0) - v
    def copy(self):
        return Counter(self)
    def __copy__(self):
        return self.copy()
    def __delitem__(self, key):
        if key in self._sl_v:
            del self._sl_v[key]
    def __repr__(self):
        if not self._sl_v:
            return 'Counter()'
        parts = []
        for k, v in self.most_common():
            parts.append(repr(k) + ': ' + repr(v))
        return 'Counter({' + ', '.join(parts) + '})'
    def __add__(self, other):
        if not isinstance(other, Counter):
            raise TypeError('unsupported operand type(s) for Counter arithmetic: ' + repr(type(other).__name__))
        result = Counter()
        for k, v in self._sl_v.items():
            n = v + other[k]
            if n > 0:
                result._sl_v[k] = n
        for k, v in other._sl_v.items():
            if k not in self._sl_v and v > 0:
                result._sl_v[k] = v
        return result
    def __sub__(self, other):
        if not isinstance(other, Counter):
            raise TypeError('unsupported operand type(s) for Counter arithmetic: ' + repr(type(other).__name__))
        result = Counter()
        for k, v in self._sl_v.items():
            n = v - other[k]
            if n > 0:
                result._sl_v[k] = n
        for k, v in other._sl_v.items():
            if k not in self._sl_v and v < 0:
                result._sl_v[k] = 0 - v
        return result
    def __or__(self, other):
        if not isinstance(other, Counter):
            raise TypeError('unsupported operand type(s) for Counter arithmetic: ' + repr(type(other).__name__))
        result = Counter()
        for k, v in self._sl_v.items():
            o = other[k]
            n = o if v < o else v
            if n > 0:
                result._sl_v[k] = n
        for k, v in other._sl_v.items():
            if k not in self._sl_v and v > 0:
                result._sl_v[k] = v
        return result
    def __and__(self, other):
        if not isinstance(other, Counter):
            raise TypeError('unsupported operand type(s) for Counter arithmetic: ' + repr(type(other).__name__))
        result = Counter()
        for k, v in self._sl_v.items():
            o = other[k]
            n = v if v < o else o
            if n > 0:
                result._sl_v[k] = n
        return result
    def __pos__(self):
        result = Counter()
        for k, v in self._sl_v.items():
            if v > 0:
                result._sl_v[k] = v
        return result
    def __neg__(self):
        result = Counter()
        for k, v in self._sl_v.items():
            if v < 0:
                result._sl_v[k] = 0 - v
        return result
    def __iadd__(self, other):
        for k, v in other._sl_v.items():
            self._sl_v[k] = self._sl_v.get(k, 0) + v
        return self._keep_positive()
    def __isub__(self, other):
        for k, v in other._sl_v.items():
            self._sl_v[k] = self._sl_v.get(k, 0) - v
        return self._keep_positive()
    def _keep_positive(self):
        for k in [k for k, v in self._sl_v.items() if not v > 0]:
            del self._sl_v[k]
        return self
    @classmethod
    def fromkeys(cls, iterable, v=None):
        raise NotImplementedError('Counter.fromkeys() is undefined.  Use Counter(iterable) instead.')


_sl.mix(defaultdict, _Mapping)
_sl.mix(OrderedDict, _Mapping)
_sl.mix(Counter, _Mapping)


def _count_of(item):
    return item[1]


class ChainMap:
    _sl_match_kind = 'mapping'
    def __init__(self, *maps):
        self.maps = list(maps) or [{}]
    def __getitem__(self, key):
        for m in self.maps:
            if key in m:
                return m[key]
        return self.__missing__(key)
    def __missing__(self, key):
        raise KeyError(key)
    def get(self, key, default=None):
        for m in self.maps:
            if key in m:
                return m[key]
        return default
    def __setitem__(self, key, value):
        self.maps[0][key] = value
    def __delitem__(self, key):
        try:
            del self.maps[0][key]
        except KeyError:
            raise KeyError('Key not found in the first mapping: ' + repr(key))
    def pop(self, key, *default):
        try:
            return self.maps[0].pop(key, *default)
        except KeyError:
            raise KeyError('Key not found in the first mapping: ' + repr(key))
    def _keys(self):
        d = {}
        for m in self.maps[::-1]:
            for k in m:
                d[k] = None
        return d
    def __len__(self):
        return len(self._keys())
    def __iter__(self):
        return iter(self._keys())
    def __contains__(self, key):
        for m in self.maps:
            if key in m:
                return True
        return False
    def __bool__(self):
        for m in self.maps:
            if m:
                return True
        return False
    def keys(self):
        return self._keys().keys()
    def values(self):
        return [self[k] for k in self._keys()]
    def items(self):
        return [(k, self[k]) for k in self._keys()]
    def new_child(self, m=None):
        if m is None:
            m = {}
        return ChainMap(m, *self.maps)
    @property
    def parents(self):
        return ChainMap(*self.maps[1:])
    def copy(self):
        return ChainMap(self.maps[0].copy(), *self.maps[1:])
    def clear(self):
        self.maps[0].clear()
    def __eq__(self, other):
        if isinstance(other, ChainMap):
            other = dict(other.items())
        return dict(self.items()) == other
    def __repr__(self):
        return 'ChainMap(' + ', '.join([repr(m) for m in self.maps]) + ')'


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    if isinstance(field_names, str):
        field_names = field_names.replace(',', ' ').split()
    fields = tuple([str(f) for f in field_names])
    seen = set()
    for name in (typename,) + fields:
        if not name.isidentifier():
            raise ValueError('Type names and field names must be valid identifiers: ' + repr(name))
    for name in fields:
        if name.startswith('_') and not rename:
            raise ValueError('Field names cannot start with an underscore: ' + repr(name))
        if name in seen:
            raise ValueError('Encountered duplicate field name: ' + repr(name))
        seen.add(name)
    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > len(fields):
            raise TypeError('Got more default values than field names')
        for name, value in zip(fields[len(fields) - len(defaults):], defaults):
            field_defaults[name] = value

    class _NT(_NamedTuple):
        pass
    _NT.__name__ = typename
    _NT._fields = fields
    _NT.__match_args__ = fields
    _NT._field_defaults = field_defaults
    for i, name in enumerate(fields):
        setattr(_NT, name, property(itemgetter_(i)))
    return _NT


def itemgetter_(i):
    def get(self):
        return self._sl_v[i]
    return get


class _NamedTuple(tuple):
    # A tuple (isinstance, json, unpacking, the builtins that take tuples): the values are the
    # tuple base's (`_sl_v`), made by `__new__` as CPython's namedtuple does.
    _sl_match_kind = 'sequence'
    _fields = ()
    _field_defaults = {}
    def __new__(cls, *args, **kwargs):
        fields = cls._fields
        name = cls.__name__
        if len(args) > len(fields):
            least = len(fields) - len(cls._field_defaults) + 1
            most = str(len(fields) + 1)
            takes = most if least == len(fields) + 1 else 'from ' + str(least) + ' to ' + most
            raise TypeError(name + '.__new__() takes ' + takes + ' positional arguments but ' + str(len(args) + 1) + ' were given')
        values = list(args)
        for f in fields[len(args):]:
            if f in kwargs:
                values.append(kwargs.pop(f))
            elif f in cls._field_defaults:
                values.append(cls._field_defaults[f])
            else:
                missing = [g for g in fields[len(values):] if g not in kwargs and g not in cls._field_defaults]
                if len(missing) == 1:
                    raise TypeError(name + ".__new__() missing 1 required positional argument: '" + missing[0] + "'")
                quoted = ["'" + m + "'" for m in missing]
                raise TypeError(name + '.__new__() missing ' + str(len(missing)) + ' required positional arguments: ' + ', '.join(quoted[:-1]) + ' and ' + quoted[-1])
        for k in kwargs:
            if k in fields:
                raise TypeError(name + ".__new__() got multiple values for argument '" + k + "'")
            raise TypeError(name + ".__new__() got an unexpected keyword argument '" + k + "'")
        self = object.__new__(cls)
        object.__setattr__(self, '_sl_v', tuple(values))
        return self
    def __init__(self, *args, **kwargs):
        pass
    @classmethod
    def _make(cls, iterable):
        return cls(*iterable)
    def _replace(self, **kwargs):
        values = []
        for f, v in zip(self._fields, self._sl_v):
            if f in kwargs:
                values.append(kwargs.pop(f))
            else:
                values.append(v)
        if kwargs:
            raise ValueError('Got unexpected field names: ' + repr(list(kwargs)))
        return type(self)(*values)
    def _asdict(self):
        return dict(zip(self._fields, self._sl_v))
    def __repr__(self):
        parts = []
        for f, v in zip(self._fields, self._sl_v):
            parts.append(f + '=' + repr(v))
        return type(self).__name__ + '(' + ', '.join(parts) + ')'
