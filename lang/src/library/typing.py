# typing: the names programs use in annotations and type aliases. slnode does not check types
# (neither does CPython at run time); subscripting gives an alias that prints like CPython's.

class _Alias:
    def __init__(self, name, args=None):
        self._name = name
        self.__args__ = args
    def __getitem__(self, params):
        if not isinstance(params, tuple):
            params = (params,)
        return _Alias(self._name, params)
    def __call__(self, *args, **kwargs):
        raise TypeError('Type ' + self._name + ' cannot be instantiated')
    def __or__(self, other):
        return _Alias('Union', (self, other))
    def __eq__(self, other):
        return isinstance(other, _Alias) and self._name == other._name and self.__args__ == other.__args__
    def __hash__(self):
        return hash(self._name)
    def __repr__(self):
        if self.__args__ is None:
            return 'typing.' + self._name
        if self._name == 'Optional':
            return 'typing.Optional[' + _name_of(self.__args__[0]) + ']'
        return 'typing.' + self._name + '[' + ', '.join([_name_of(a) for a in self.__args__]) + ']'


def _name_of(t):
    if t is None:
        return 'NoneType'
    if isinstance(t, _Alias) or isinstance(t, TypeVar):
        return repr(t)
    if isinstance(t, (list, tuple)):
        return '[' + ', '.join([_name_of(a) for a in t]) + ']'
    if isinstance(t, str):
        return repr(t)
    if hasattr(t, '__name__'):
        return t.__name__
    return repr(t)


class TypeVar:
    def __init__(self, name, *constraints, bound=None, covariant=False, contravariant=False):
        self.__name__ = name
        self.__constraints__ = constraints
        self.__bound__ = bound
    def __repr__(self):
        return '~' + self.__name__


Any = _Alias('Any')
Union = _Alias('Union')
Optional = _Alias('Optional')
List = _Alias('List')
Dict = _Alias('Dict')
Set = _Alias('Set')
FrozenSet = _Alias('FrozenSet')
Tuple = _Alias('Tuple')
Type = _Alias('Type')
Callable = _Alias('Callable')
Iterable = _Alias('Iterable')
Iterator = _Alias('Iterator')
Generator = _Alias('Generator')
Sequence = _Alias('Sequence')
MutableSequence = _Alias('MutableSequence')
Mapping = _Alias('Mapping')
MutableMapping = _Alias('MutableMapping')
Collection = _Alias('Collection')
Container = _Alias('Container')
Hashable = _Alias('Hashable')
Sized = _Alias('Sized')
Reversible = _Alias('Reversible')
AbstractSet = _Alias('AbstractSet')
MutableSet = _Alias('MutableSet')
Deque = _Alias('Deque')
DefaultDict = _Alias('DefaultDict')
OrderedDict = _Alias('OrderedDict')
Counter = _Alias('Counter')
ChainMap = _Alias('ChainMap')
Literal = _Alias('Literal')
ClassVar = _Alias('ClassVar')
Final = _Alias('Final')
Annotated = _Alias('Annotated')
NoReturn = _Alias('NoReturn')
Never = _Alias('Never')
Self = _Alias('Self')
LiteralString = _Alias('LiteralString')
TypeAlias = _Alias('TypeAlias')
SupportsInt = _Alias('SupportsInt')
SupportsFloat = _Alias('SupportsFloat')
SupportsAbs = _Alias('SupportsAbs')
AnyStr = TypeVar('AnyStr')
Text = str
TYPE_CHECKING = False


from collections import _NamedTuple, itemgetter_ as _itemgetter


class NamedTuple(_NamedTuple):
    # `class P(NamedTuple): x: int; y: int = 0` — the annotations are the fields, in order,
    # and a class attribute of a field's name is its default, as collections.namedtuple's
    # `defaults`.
    def __init_subclass__(cls, **kwargs):
        if NamedTuple not in cls.__bases__:
            return
        own = vars(cls)
        fields = tuple(own.get('__annotations__', {}))
        defaults = {}
        for name in fields:
            if name.startswith('_'):
                raise AttributeError('Cannot overwrite NamedTuple attribute ' + name)
            if name in own:
                defaults[name] = own[name]
            elif defaults:
                raise TypeError('Non-default namedtuple field ' + name + ' cannot follow default field'
                                + ('s' if len(defaults) > 1 else '') + ' ' + ', '.join(defaults))
        cls._fields = fields
        cls.__match_args__ = fields
        cls._field_defaults = defaults
        for i, name in enumerate(fields):
            setattr(cls, name, property(_itemgetter(i)))


class _TypedDictMeta(type):
    # A TypedDict's "instances" are plain dicts, as in CPython.
    def __call__(cls, *args, **kwargs):
        return dict(*args, **kwargs)


class TypedDict(metaclass=_TypedDictMeta):
    pass


class Protocol:
    pass


class Generic:
    pass


def cast(typ, val):
    return val

def overload(func):
    return func

def final(f):
    return f

def no_type_check(f):
    return f

def runtime_checkable(cls):
    return cls

def get_type_hints(obj):
    return {}

def NewType(name, tp):
    def new_type(x):
        return x
    new_type.__name__ = name
    new_type.__supertype__ = tp
    return new_type
