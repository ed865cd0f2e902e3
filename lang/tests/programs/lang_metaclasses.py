# Metaclasses and __init_subclass__: a registry, a singleton through super().__call__,
# class-level protocols (iteration, len, indexing, membership, repr), inheritance of the
# metaclass, and a metaclass conflict.


class Registry(type):
    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        if not hasattr(cls, 'plugins'):
            cls.plugins = []
        else:
            cls.plugins.append(cls)

    def __iter__(cls):
        return iter(cls.plugins)

    def __len__(cls):
        return len(cls.plugins)

    def __getitem__(cls, name):
        for p in cls.plugins:
            if p.__name__ == name:
                return p
        raise KeyError(name)

    def __contains__(cls, name):
        return any(p.__name__ == name for p in cls.plugins)

    def __repr__(cls):
        return '<plugin %s>' % cls.__name__

    def describe(cls):
        return cls.__name__ + ' with ' + str(len(cls.plugins)) + ' plugins'


class Plugin(metaclass=Registry):
    pass


class Csv(Plugin):
    ext = 'csv'


class Json(Plugin):
    ext = 'json'


print(len(Plugin), [p.__name__ for p in Plugin], Plugin['Json'].ext, 'Csv' in Plugin, 'Xml' in Plugin)
print(repr(Plugin), Plugin.describe(), type(Csv) is Registry, isinstance(Csv, Registry), isinstance(Csv, type))
print(type(Plugin).__name__, Registry.__mro__[1] is type, issubclass(Registry, type))


class Singleton(type):
    _instances = {}

    def __call__(cls, *args, **kwargs):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*args, **kwargs)
        return cls._instances[cls]


class Config(metaclass=Singleton):
    def __init__(self, name='default'):
        self.name = name
        self.values = {}


a = Config('first')
b = Config('second')
print(a is b, a.name, b.name)
a.values['x'] = 1
print(Config().values)


class Counted(type):
    made = 0

    def __call__(cls, *args):
        Counted.made += 1
        obj = super().__call__(*args)
        obj.serial = Counted.made
        return obj


class Point(metaclass=Counted):
    def __init__(self, x, y):
        self.x, self.y = x, y


class Point3(Point):
    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z


ps = [Point(1, 2), Point3(1, 2, 3), Point(0, 0)]
print([p.serial for p in ps], Counted.made, type(Point3).__name__)


class Base:
    subclasses = []

    def __init_subclass__(cls):
        super().__init_subclass__()
        Base.subclasses.append(cls.__name__)
        cls.tag = cls.__name__.lower()


class Alpha(Base):
    pass


class Beta(Alpha):
    pass


print(Base.subclasses, Alpha.tag, Beta.tag, hasattr(Base, 'tag'))


class Other(type):
    pass


try:
    class Mixed(Plugin, metaclass=Other):
        pass
except TypeError as e:
    print('TypeError:', e)


class Special(Registry):
    pass


class Tool(Plugin, metaclass=Registry):
    pass


class Fancy(metaclass=Special):
    pass


class Both(Fancy, metaclass=Registry):
    pass


print(type(Tool).__name__, type(Both).__name__)
