# dataclasses: dataclass (init, repr, eq, order, unsafe_hash, frozen, kw_only), field, fields,
# asdict, astuple, replace, is_dataclass, MISSING, FrozenInstanceError, KW_ONLY.
#
# CPython writes each class's methods as source text and exec()s it; the subset has no exec, so
# the methods here are closures over the class's fields that bind arguments the way a generated
# signature would (and raise CPython's messages). Differences: a frozen instance keeps its fields
# under hidden names behind read-only properties (assigning a field raises FrozenInstanceError;
# a new attribute is not refused), and __post_init__ cannot use object.__setattr__.

class _MissingType:
    def __repr__(self):
        return 'MISSING'

MISSING = _MissingType()


class _KwOnlyType:
    def __repr__(self):
        return 'KW_ONLY'

KW_ONLY = _KwOnlyType()


class FrozenInstanceError(AttributeError):
    pass


class Field:
    def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = {} if metadata is None else metadata
        self.kw_only = kw_only
        self._classvar = False

    def __repr__(self):
        return ('Field(name=' + repr(self.name) + ',type=' + repr(self.type) +
                ',default=' + repr(self.default) + ',default_factory=' + repr(self.default_factory) +
                ',init=' + repr(self.init) + ',repr=' + repr(self.repr) + ',hash=' + repr(self.hash) +
                ',compare=' + repr(self.compare) + ',metadata=' + repr(self.metadata) +
                ',kw_only=' + repr(self.kw_only) + ',_field_type=_FIELD)')


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None,
          compare=True, metadata=None, kw_only=MISSING):
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError('cannot specify both default and default_factory')
    return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)


def _is_classvar(annotation):
    if isinstance(annotation, str):
        # A quoted annotation ('ClassVar[int]') is recorded with its quotes.
        annotation = annotation.strip("'\"")
        return annotation == 'ClassVar' or annotation.startswith('ClassVar[') or \
            annotation == 'typing.ClassVar' or annotation.startswith('typing.ClassVar[')
    return getattr(annotation, '_name', None) == 'ClassVar'


def _is_kw_only_marker(annotation):
    if isinstance(annotation, str):
        return annotation == 'KW_ONLY' or annotation == 'dataclasses.KW_ONLY'
    return annotation is KW_ONLY


def _own_annotations(cls):
    # The class's own `__annotations__` (an inherited one is the base's object).
    annotations = getattr(cls, '__annotations__', None)
    if annotations is None:
        return {}
    for base in cls.__mro__[1:]:
        if getattr(base, '__annotations__', None) is annotations:
            return {}
    return annotations


def _join_names(names):
    quoted = ["'" + n + "'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return quoted[0] + ' and ' + quoted[1]
    return ', '.join(quoted[:-1]) + ', and ' + quoted[-1]


def _bind(qualname, positional, keyword, args, kwargs):
    # What a generated `__init__(self, a, b=1, *, c)` would bind: {name: value or MISSING}.
    most = len(positional) + 1
    if len(args) > len(positional):
        least = len([f for f in positional if f.default is MISSING and f.default_factory is MISSING]) + 1
        if least == most:
            takes = str(most) + ' positional argument' + ('' if most == 1 else 's')
        else:
            takes = 'from ' + str(least) + ' to ' + str(most) + ' positional arguments'
        given = len(args) + 1
        raise TypeError(qualname + '() takes ' + takes + ' but ' + str(given) +
                        (' was' if given == 1 else ' were') + ' given')
    values = {}
    for f, value in zip(positional, args):
        values[f.name] = value
    names = [f.name for f in positional] + [f.name for f in keyword]
    for name, value in kwargs.items():
        if name not in names:
            raise TypeError(qualname + "() got an unexpected keyword argument '" + name + "'")
        if name in values:
            raise TypeError(qualname + "() got multiple values for argument '" + name + "'")
        values[name] = value
    for group, kind in ((positional, 'positional'), (keyword, 'keyword-only')):
        missing = [f.name for f in group
                   if f.name not in values and f.default is MISSING and f.default_factory is MISSING]
        if missing:
            raise TypeError(qualname + '() missing ' + str(len(missing)) + ' required ' + kind +
                            ' argument' + ('' if len(missing) == 1 else 's') + ': ' +
                            _join_names(missing))
    return values


def _hidden(name):
    return '_dataclass_frozen_' + name


def _frozen_property(name):
    def get(self):
        return getattr(self, _hidden(name))
    def refuse(self, value):
        raise FrozenInstanceError("cannot assign to field '" + name + "'")
    return property(get, refuse)


def _make_init(cls, all_fields, frozen):
    init_fields = [f for f in all_fields if f.init]
    positional = [f for f in init_fields if not f.kw_only]
    keyword = [f for f in init_fields if f.kw_only]
    set_up = [f for f in all_fields if not f.init and f.default_factory is not MISSING]
    qualname = cls.__qualname__ + '.__init__'
    def __init__(self, *args, **kwargs):
        values = _bind(qualname, positional, keyword, args, kwargs)
        for f in init_fields:
            value = values.get(f.name, MISSING)
            if value is MISSING:
                value = f.default_factory() if f.default_factory is not MISSING else f.default
            setattr(self, _hidden(f.name) if frozen else f.name, value)
        for f in set_up:
            setattr(self, _hidden(f.name) if frozen else f.name, f.default_factory())
        post_init = getattr(self, '__post_init__', None)
        if post_init is not None:
            post_init()
    return __init__


# The reprs this module made (pprint splits only instances whose repr is one of them, as
# CPython's pprint does).
_GENERATED_REPRS = set()


def _make_repr(all_fields):
    shown = [f.name for f in all_fields if f.repr]
    def __repr__(self):
        parts = [name + '=' + repr(getattr(self, name)) for name in shown]
        return type(self).__qualname__ + '(' + ', '.join(parts) + ')'
    _GENERATED_REPRS.add(__repr__)
    return __repr__


def _key_of(chosen):
    # The tuple of an instance's values of the `chosen` fields (what eq, order and hash use).
    names = [f.name for f in chosen]
    def key(obj):
        return tuple([getattr(obj, name) for name in names])
    return key


def _make_eq(key):
    def __eq__(self, other):
        if type(other) is type(self):
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _make_order(key, op, symbol):
    def compare(self, other):
        if type(other) is type(self):
            return op(key(self), key(other))
        return NotImplemented
    return compare


def _lt(a, b):
    return a < b

def _le(a, b):
    return a <= b

def _gt(a, b):
    return a > b

def _ge(a, b):
    return a >= b


def _make_hash(key):
    def __hash__(self):
        return hash(key(self))
    return __hash__


def _collect_fields(cls, kw_only):
    by_name = {}
    order = []
    for base in reversed(cls.__mro__[1:]):
        for f in getattr(base, '__dataclass_fields__', {}).values():
            if f.name not in by_name:
                order.append(f.name)
            by_name[f.name] = f
    kw_from_here = kw_only
    for name, annotation in _own_annotations(cls).items():
        if _is_kw_only_marker(annotation):
            kw_from_here = True
            continue
        default = getattr(cls, name, MISSING)
        if isinstance(default, Field):
            f = default
        else:
            f = field(default=default)
        f.name = name
        f.type = annotation
        if _is_classvar(annotation):
            f._classvar = True
            continue
        if f.kw_only is MISSING:
            f.kw_only = kw_from_here
        if f.default is not MISSING and type(f.default) in (list, dict, set):
            raise ValueError('mutable default ' + repr(type(f.default)) + ' for field ' + name +
                             ' is not allowed: use default_factory')
        if f.default is MISSING and isinstance(default, Field):
            delattr(cls, name)
        elif f.default is not MISSING:
            setattr(cls, name, f.default)
        if name not in by_name:
            order.append(name)
        by_name[name] = f
    return [by_name[name] for name in order]


def _defines(cls, name):
    # Whether the class body itself binds `name` (not a base): what CPython reads from
    # cls.__dict__, which the subset does not have.
    try:
        value = getattr(cls, name)
    except AttributeError:
        return False
    for base in cls.__mro__[1:]:
        try:
            if getattr(base, name) is value:
                return False
        except AttributeError:
            pass
    return True


def _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, kw_only):
    if order and not eq:
        raise ValueError('eq must be true if order is true')
    all_fields = _collect_fields(cls, kw_only)
    seen_default = False
    for f in all_fields:
        if not f.init or f.kw_only:
            continue
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError("non-default argument '" + f.name + "' follows default argument")
    fields_by_name = {}
    for f in all_fields:
        fields_by_name[f.name] = f
    cls.__dataclass_fields__ = fields_by_name
    key = _key_of([f for f in all_fields if f.compare])
    if frozen:
        for f in all_fields:
            setattr(cls, f.name, _frozen_property(f.name))
    # Methods the class body defines are kept, as CPython keeps them.
    if init and not _defines(cls, '__init__'):
        cls.__init__ = _make_init(cls, all_fields, frozen)
    if repr and not _defines(cls, '__repr__'):
        cls.__repr__ = _make_repr(all_fields)
    if eq and not _defines(cls, '__eq__'):
        cls.__eq__ = _make_eq(key)
    if order:
        for name, op, symbol in (('__lt__', _lt, '<'), ('__le__', _le, '<='),
                                 ('__gt__', _gt, '>'), ('__ge__', _ge, '>=')):
            if _defines(cls, name):
                raise TypeError('Cannot overwrite attribute ' + name + ' in class ' +
                                cls.__name__ + '. Consider using functools.total_ordering')
            setattr(cls, name, _make_order(key, op, symbol))
    hashed = [f for f in all_fields if (f.compare if f.hash is None else f.hash)]
    own_hash = _defines(cls, '__hash__')
    if unsafe_hash:
        if own_hash:
            raise TypeError('Cannot overwrite attribute __hash__ in class ' + cls.__name__)
        cls.__hash__ = _make_hash(_key_of(hashed))
    elif eq and frozen and not own_hash:
        cls.__hash__ = _make_hash(_key_of(hashed))
    elif eq and not own_hash:
        cls.__hash__ = None
    cls.__match_args__ = tuple([f.name for f in all_fields if f.init and not f.kw_only])
    return cls


def dataclass(cls=None, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False,
              frozen=False, match_args=True, kw_only=False, slots=False):
    def wrap(c):
        return _process_class(c, init, repr, eq, order, unsafe_hash, frozen, kw_only)
    if cls is None:
        return wrap
    return wrap(cls)


def fields(class_or_instance):
    found = getattr(class_or_instance, '__dataclass_fields__', None)
    if found is None:
        raise TypeError('must be called with a dataclass type or instance')
    return tuple(found.values())


def is_dataclass(obj):
    return hasattr(obj, '__dataclass_fields__')


def _is_instance(obj):
    return hasattr(type(obj), '__dataclass_fields__')


def asdict(obj, *, dict_factory=dict):
    if not _is_instance(obj):
        raise TypeError('asdict() should be called on dataclass instances')
    return _inner(obj, dict_factory)


def _inner(obj, build):
    # asdict/astuple: a dataclass instance becomes build([(name, value)]), recursing into
    # dataclasses, lists, tuples and dicts; other values are deep-copied.
    if _is_instance(obj):
        return build([(f.name, _inner(getattr(obj, f.name), build)) for f in fields(obj)])
    if isinstance(obj, list):
        return [_inner(v, build) for v in obj]
    if isinstance(obj, tuple):
        return tuple([_inner(v, build) for v in obj])
    if isinstance(obj, dict):
        return dict([(_inner(k, build), _inner(v, build)) for k, v in obj.items()])
    return _copy(obj)


def astuple(obj, *, tuple_factory=tuple):
    if not _is_instance(obj):
        raise TypeError('astuple() should be called on dataclass instances')
    return _inner(obj, lambda pairs: tuple_factory([v for _, v in pairs]))


def _copy(value):
    # CPython deep-copies the leaves; the immutable ones are themselves.
    if value is None or isinstance(value, (int, float, str, bool, bytes)):
        return value
    import copy
    return copy.deepcopy(value)


def replace(obj, **changes):
    if not _is_instance(obj):
        raise TypeError('replace() should be called on dataclass instances')
    for f in fields(obj):
        if not f.init and f.name in changes:
            raise ValueError('field ' + f.name + ' is declared with init=False, it cannot be '
                             'specified with replace()')
    for f in fields(obj):
        if f.init and f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return type(obj)(**changes)
