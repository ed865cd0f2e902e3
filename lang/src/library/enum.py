# enum: Enum, IntEnum, StrEnum, Flag, IntFlag, auto, unique, with CPython 3.11's reprs,
# lookups and errors. Members are instances made once, when the class statement ends (by the
# metaclass's __init__: the VM has no metaclass __new__), and snapshot like any instance.
# Differences from CPython, by the VM's single inheritance: IntEnum/IntFlag/StrEnum members are
# not int/str instances (they compare, hash, format and compute like their values); the
# functional API (Enum('Name', 'A B')) is not in the subset.
import _sl


class _AutoValue:
    pass


_auto_null = _AutoValue()


class auto:
    def __init__(self, value=_auto_null):
        self.value = value

    def __repr__(self):
        return 'auto(%r)' % (self.value,)


def _is_dunder(name):
    return len(name) > 4 and name[:2] == name[-2:] == '__' and name[2] != '_' and name[-3] != '_'


def _is_sunder(name):
    return len(name) > 2 and name[0] == name[-1] == '_' and name[1] != '_' and name[-2] != '_'


def _is_private(cls_name, name):
    prefix = '_' + cls_name.lstrip('_') + '__'
    return name.startswith(prefix) and not name.endswith('__')


def _is_descriptor(value):
    return callable(value) or isinstance(value, (property, staticmethod, classmethod))


def _power_of_two(value):
    return value > 0 and value & (value - 1) == 0


def _bin(num, max_bits=None):
    # CPython's enum.bin: a sign digit, a space, then the digits (two's complement if negative).
    ceiling = 2 ** num.bit_length()
    if num >= 0:
        s = bin(num + ceiling).replace('1', '0', 1)
    else:
        s = bin(~num ^ (ceiling - 1) + ceiling)
    sign = s[:3]
    digits = s[3:]
    if max_bits is not None and len(digits) < max_bits:
        digits = (sign[-1] * max_bits + digits)[-max_bits:]
    return '%s %s' % (sign, digits)


_MIXINS = {'str': str, 'int': int, 'float': float, 'tuple': tuple, 'frozenset': frozenset}


class EnumType(type):
    def __init__(cls, name, bases, namespace):
        base = bases[0] if bases else None
        if base is not None and isinstance(base, EnumType) and base._member_names_:
            raise TypeError('%r cannot extend %r' % (cls, base))
        cls._member_names_ = []
        cls._member_map_ = {}
        cls._value2member_map_ = {}
        cls._unhashable_values_ = []
        is_flag = base is not None and _derives(cls, 'Flag')
        # A builtin type mixed in (`class Color(str, Enum)`): each member holds its value as
        # that type too, and the enum's own repr/str/format win over the type's, as
        # CPython's EnumType arranges.
        mixin = _MIXINS.get(getattr(cls, '_sl_builtin_base', None))
        if mixin is not None:
            first_enum = None
            for b in cls.__mro__[1:]:
                if isinstance(b, EnumType):
                    first_enum = b
                    break
            if first_enum is not None:
                for special in ('__repr__', '__str__', '__format__', '__reduce_ex__'):
                    if special not in namespace:
                        setattr(cls, special, getattr(first_enum, special))
        last_values = []
        for key in list(namespace):
            value = namespace[key]
            if _is_dunder(key) or _is_sunder(key) or _is_private(name, key) or _is_descriptor(value):
                continue
            if isinstance(value, auto):
                if value.value is _auto_null:
                    value.value = cls._generate_next_value_(key, 1, len(cls._member_names_), last_values[:])
                value = value.value
            member = None
            try:
                member = cls._value2member_map_.get(value)
            except TypeError:
                for m in cls._member_map_.values():
                    if m._value_ == value:
                        member = m
                        break
            if member is None:
                member = _sl.bare_instance(cls)
                args = value if isinstance(value, tuple) else (value,)
                if mixin is not None:
                    object.__setattr__(member, '_sl_v', mixin(args) if mixin is tuple else mixin(*args))
                    value = member._sl_v
                member._name_ = key
                member._value_ = value
                member.__init__(*args)
                if not is_flag or _power_of_two(value):
                    cls._member_names_.append(key)
                try:
                    cls._value2member_map_[value] = member
                except TypeError:
                    cls._unhashable_values_.append(value)
            # Otherwise an alias: the name reaches the member it repeats.
            cls._member_map_[key] = member
            setattr(cls, key, member)
            last_values.append(value)
        if is_flag:
            mask = 0
            for n in cls._member_names_:
                mask |= cls._member_map_[n]._value_
            cls._flag_mask_ = mask
            cls._all_bits_ = 2 ** mask.bit_length() - 1

    def __call__(cls, value, *args, **kwargs):
        if args or kwargs:
            raise NotImplementedError("enum's functional API (Enum('Name', names)) is not in the subset")
        if isinstance(value, cls):
            return value
        try:
            return cls._value2member_map_[value]
        except KeyError:
            pass
        except TypeError:
            for m in cls._member_map_.values():
                if m._value_ == value:
                    return m
        result = cls._missing_(value)
        if isinstance(result, cls):
            return result
        if result is None:
            raise ValueError('%r is not a valid %s' % (value, cls.__name__))
        raise TypeError('error in %s._missing_: returned %r instead of None or a valid member'
                        % (cls.__name__, result))

    def __iter__(cls):
        return iter([cls._member_map_[n] for n in cls._member_names_])

    def __reversed__(cls):
        return iter([cls._member_map_[n] for n in reversed(cls._member_names_)])

    def __len__(cls):
        return len(cls._member_names_)

    def __contains__(cls, member):
        if not isinstance(member, Enum):
            raise TypeError("unsupported operand type(s) for 'in': '%s' and '%s'"
                            % (type(member).__name__, type(cls).__name__))
        return isinstance(member, cls) and member._name_ in cls._member_map_

    def __getitem__(cls, name):
        return cls._member_map_[name]

    def __repr__(cls):
        if _derives(cls, 'Flag'):
            return "<flag %r>" % cls.__name__
        return "<enum %r>" % cls.__name__

    @property
    def __members__(cls):
        return dict(cls._member_map_)


EnumMeta = EnumType


def _derives(cls, name):
    for k in cls.__mro__:
        if k.__name__ == name and type(k) is EnumType:
            return True
    return False


class Enum(metaclass=EnumType):
    def __init__(self, *args, **kwds):
        pass

    def _generate_next_value_(name, start, count, last_values):
        # CPython 3.11: one past the last value when it is the largest, else one past the
        # largest that takes + 1.
        if not last_values:
            return start
        try:
            last = last_values[-1]
            last_values.sort()
            if last == last_values[-1]:
                return last + 1
            raise TypeError
        except TypeError:
            for v in reversed(last_values):
                try:
                    return v + 1
                except TypeError:
                    pass
            return start

    @classmethod
    def _missing_(cls, value):
        return None

    @property
    def name(self):
        return self._name_

    @property
    def value(self):
        return self._value_

    def __repr__(self):
        return '<%s.%s: %r>' % (self.__class__.__name__, self._name_, self._value_)

    def __str__(self):
        return '%s.%s' % (self.__class__.__name__, self._name_)

    def __format__(self, spec):
        return format(str(self), spec)

    def __hash__(self):
        return hash(self._name_)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce_ex__(self, proto):
        return self.__class__, (self._value_,)


class ReprEnum(Enum):
    # str() and format() are the value's own (IntEnum, StrEnum, IntFlag).
    def __str__(self):
        return str(self._value_)

    def __format__(self, spec):
        return format(self._value_, spec)


def _plain(x):
    return x._value_ if isinstance(x, Enum) else x


class _ValueOps:
    # What an int or str member does with its value: compare, hash and compute like it.
    def __eq__(self, other):
        return self._value_ == _plain(other)

    def __ne__(self, other):
        return self._value_ != _plain(other)

    def __lt__(self, other):
        return self._value_ < _plain(other)

    def __le__(self, other):
        return self._value_ <= _plain(other)

    def __gt__(self, other):
        return self._value_ > _plain(other)

    def __ge__(self, other):
        return self._value_ >= _plain(other)

    def __hash__(self):
        return hash(self._value_)

    def __bool__(self):
        return bool(self._value_)

    def __len__(self):
        return len(self._value_)

    def __int__(self):
        return int(self._value_)

    def __float__(self):
        return float(self._value_)

    def __index__(self):
        return self._value_

    def __add__(self, other):
        return self._value_ + _plain(other)

    def __radd__(self, other):
        return _plain(other) + self._value_

    def __sub__(self, other):
        return self._value_ - _plain(other)

    def __rsub__(self, other):
        return _plain(other) - self._value_

    def __mul__(self, other):
        return self._value_ * _plain(other)

    def __rmul__(self, other):
        return _plain(other) * self._value_

    def __truediv__(self, other):
        return self._value_ / _plain(other)

    def __floordiv__(self, other):
        return self._value_ // _plain(other)

    def __mod__(self, other):
        return self._value_ % _plain(other)

    def __pow__(self, other):
        return self._value_ ** _plain(other)

    def __neg__(self):
        return -self._value_

    def __abs__(self):
        return abs(self._value_)

    def __lshift__(self, other):
        return self._value_ << _plain(other)

    def __rshift__(self, other):
        return self._value_ >> _plain(other)


class IntEnum(ReprEnum):
    def __and__(self, other):
        return self._value_ & _plain(other)

    def __or__(self, other):
        return self._value_ | _plain(other)

    def __xor__(self, other):
        return self._value_ ^ _plain(other)


class StrEnum(ReprEnum):
    def __init__(self, *values):
        if len(values) != 1 or not isinstance(values[0], str):
            raise TypeError('%r is not a string' % (values[0] if len(values) == 1 else values,))

    def _generate_next_value_(name, start, count, last_values):
        return name.lower()


class Flag(Enum):
    _keep_bits_ = False

    def _generate_next_value_(name, start, count, last_values):
        if not count:
            return start if start is not None else 1
        high = 0
        for v in last_values:
            high = max(high, v.bit_length())
        return 2 ** high

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, int):
            raise ValueError('%r is not a valid %s' % (value, cls.__name__))
        mask = cls._flag_mask_
        if value < 0 or value & ~mask:
            if not cls._keep_bits_ or value < 0:
                bits = max(value.bit_length(), mask.bit_length())
                raise ValueError('%r invalid value %r\n    given %s\n  allowed %s'
                                 % (cls, value, _bin(value, bits), _bin(mask, bits)))
        names = [n for n in cls._member_names_ if cls._member_map_[n]._value_ & value == cls._member_map_[n]._value_ and cls._member_map_[n]._value_]
        extra = value & ~mask
        member = _sl.bare_instance(cls)
        if names:
            parts = names[:]
            if extra:
                parts.append(str(extra))
            member._name_ = '|'.join(parts)
        else:
            member._name_ = None
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    def __repr__(self):
        if self._name_ is None:
            return '<%s: %r>' % (self.__class__.__name__, self._value_)
        return '<%s.%s: %r>' % (self.__class__.__name__, self._name_, self._value_)

    def __str__(self):
        if self._name_ is None:
            return '%s(%r)' % (self.__class__.__name__, self._value_)
        return '%s.%s' % (self.__class__.__name__, self._name_)

    def __bool__(self):
        return bool(self._value_)

    def __contains__(self, other):
        if not isinstance(other, self.__class__):
            raise TypeError("unsupported operand type(s) for 'in': '%s' and '%s'"
                            % (type(other).__name__, self.__class__.__name__))
        return other._value_ & self._value_ == other._value_

    def __iter__(self):
        cls = self.__class__
        return iter([cls._member_map_[n] for n in cls._member_names_
                     if cls._member_map_[n]._value_ and cls._member_map_[n]._value_ & self._value_ == cls._member_map_[n]._value_])

    def __len__(self):
        return len(list(self.__iter__()))

    def _other_value(self, other):
        if isinstance(other, self.__class__):
            return other._value_
        return None

    def _operand(self, other, symbol, reflected):
        # CPython returns NotImplemented here; raising the error it ends with is the same unless
        # the other operand's class has the reflected method.
        v = self._other_value(other)
        if v is None:
            names = (type(other).__name__, type(self).__name__) if reflected else (type(self).__name__, type(other).__name__)
            raise TypeError("unsupported operand type(s) for %s: '%s' and '%s'" % ((symbol,) + names))
        return v

    def __or__(self, other):
        return self.__class__(self._value_ | self._operand(other, '|', False))

    def __and__(self, other):
        return self.__class__(self._value_ & self._operand(other, '&', False))

    def __xor__(self, other):
        return self.__class__(self._value_ ^ self._operand(other, '^', False))

    def __ror__(self, other):
        return self.__class__(self._operand(other, '|', True) | self._value_)

    def __rand__(self, other):
        return self.__class__(self._operand(other, '&', True) & self._value_)

    def __rxor__(self, other):
        return self.__class__(self._operand(other, '^', True) ^ self._value_)

    def __invert__(self):
        cls = self.__class__
        return cls(cls._flag_mask_ ^ (self._value_ & cls._flag_mask_))


class IntFlag(Flag):
    _keep_bits_ = True

    def __str__(self):
        return str(self._value_)

    def __format__(self, spec):
        return format(self._value_, spec)

    def _other_value(self, other):
        if isinstance(other, (self.__class__, int)) and not isinstance(other, bool):
            return _plain(other)
        return None


_COMPARE = ('__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__', '__hash__')
_ARITHMETIC = ('__add__', '__radd__', '__sub__', '__rsub__', '__mul__', '__rmul__')


def _value_ops(cls, names):
    # The single-inheritance stand-in for CPython's `class IntEnum(int, ReprEnum)`.
    for name in names:
        setattr(cls, name, getattr(_ValueOps, name))


_value_ops(IntEnum, _COMPARE + _ARITHMETIC + (
    '__bool__', '__int__', '__float__', '__index__', '__truediv__', '__floordiv__', '__mod__',
    '__pow__', '__neg__', '__abs__', '__lshift__', '__rshift__'))
_value_ops(StrEnum, _COMPARE + ('__len__', '__add__', '__radd__'))
_value_ops(IntFlag, _COMPARE + _ARITHMETIC + ('__int__', '__index__'))


def unique(enumeration):
    duplicates = []
    for name, member in enumeration.__members__.items():
        if name != member._name_:
            duplicates.append((name, member._name_))
    if duplicates:
        detail = ', '.join(['%s -> %s' % (alias, name) for (alias, name) in duplicates])
        raise ValueError('duplicate values found in %r: %s' % (enumeration, detail))
    return enumeration
