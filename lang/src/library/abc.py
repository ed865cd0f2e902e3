# abc: abstract base classes. ABCMeta records a class's abstract methods and refuses to
# instantiate a class that still has any (CPython 3.11's message); `register` makes virtual
# subclasses, and `__subclasshook__` decides by duck typing, both seen by isinstance/issubclass
# through the metaclass's __instancecheck__/__subclasscheck__.


def abstractmethod(funcobj):
    funcobj.__isabstractmethod__ = True
    return funcobj


def _is_abstract(value):
    return getattr(value, '__isabstractmethod__', False) is True


class ABCMeta(type):
    def __init__(cls, name, bases, namespace):
        abstracts = set()
        for key, value in namespace.items():
            if _is_abstract(value):
                abstracts.add(key)
        for base in bases:
            for key in getattr(base, '__abstractmethods__', ()):
                if _is_abstract(getattr(cls, key, None)):
                    abstracts.add(key)
        cls.__abstractmethods__ = frozenset(abstracts)
        cls._abc_registry = []
        _all_abcs.append(cls)

    def __call__(cls, *args, **kwargs):
        if cls.__abstractmethods__:
            names = sorted(cls.__abstractmethods__)
            raise TypeError("Can't instantiate abstract class " + cls.__name__
                            + ' with abstract method' + ('s ' if len(names) > 1 else ' ')
                            + ', '.join(names))
        return super().__call__(*args, **kwargs)

    def register(cls, subclass):
        if not isinstance(subclass, type):
            raise TypeError('Can only register classes')
        if subclass not in cls._abc_registry:
            cls._abc_registry.append(subclass)
        return subclass

    def __instancecheck__(cls, instance):
        return cls.__subclasscheck__(type(instance))

    def __subclasscheck__(cls, subclass):
        if subclass is cls or cls in getattr(subclass, '__mro__', ()):
            return True
        hook = getattr(cls, '__subclasshook__', None)
        if hook is not None:
            answer = hook(subclass)
            if answer is not NotImplemented:
                return bool(answer)
        for registered in cls._abc_registry:
            if registered is subclass or issubclass(subclass, registered):
                return True
        # A subclass's registrations count too (registering list as a MutableSequence makes
        # it a Sequence).
        for sub in _subclasses_of(cls):
            if sub is not cls and type(sub) is ABCMeta and sub.__subclasscheck__(subclass):
                return True
        return False


_all_abcs = []


def _subclasses_of(cls):
    return [c for c in _all_abcs if cls in c.__mro__]


class ABC(metaclass=ABCMeta):
    pass


def get_cache_token():
    return 0
