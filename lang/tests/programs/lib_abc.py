from abc import ABC, ABCMeta, abstractmethod
import collections.abc
from collections.abc import Iterable, Mapping, MutableMapping, Sequence, Callable, Sized, Hashable, Iterator, Set, MutableSequence


class Shape(ABC):
    @abstractmethod
    def area(self):
        ...

    @abstractmethod
    def name(self):
        ...

    def describe(self):
        return f"{self.name()} of area {self.area()}"


class Square(Shape):
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s * self.s

    def name(self):
        return "square"


class Half(Shape):
    def area(self):
        return 1


print(Square(3).describe(), isinstance(Square(1), Shape), issubclass(Square, ABC))
for cls in (Shape, Half):
    try:
        cls()
    except TypeError as e:
        print("TypeError:", e)
print(sorted(Shape.__abstractmethods__), sorted(Half.__abstractmethods__), Square.__abstractmethods__)


class Thing:
    pass


Shape.register(Thing)
print(isinstance(Thing(), Shape), issubclass(Thing, Shape), isinstance(1, Shape))

print(isinstance({}, Mapping), isinstance({}, MutableMapping), isinstance([], Mapping))
print(isinstance([], Sequence), isinstance((), Sequence), isinstance("s", Sequence), isinstance({1}, Sequence))
print(isinstance([], Iterable), isinstance(5, Iterable), isinstance({1}, Set), isinstance([], MutableSequence))
print(isinstance(len, Callable), isinstance(print, Callable), isinstance(lambda: 0, Callable), isinstance(3, Callable))
print(isinstance([], Sized), isinstance(3, Hashable), isinstance([], Hashable), isinstance("x", Hashable))
print(isinstance(collections.abc.Mapping, type), collections.abc.Sequence is Sequence)


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n


print(isinstance(Countdown(3), Iterator), isinstance(Countdown(3), Iterable), list(Countdown(3)))


class Bag(MutableMapping):
    def __init__(self):
        self._d = {}

    def __getitem__(self, k):
        return self._d[k]

    def __setitem__(self, k, v):
        self._d[k] = v

    def __delitem__(self, k):
        del self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)


b = Bag()
b["x"] = 1
b.update(y=2)
print(len(b), b.get("x"), b.get("z", 0), "y" in b, sorted(b.keys()), b.pop("x"), isinstance(b, Mapping), dict(b.items()))


class Eq:
    def __eq__(self, other):
        return True


print(isinstance(Eq(), Hashable), isinstance(Thing(), Hashable))


def walk(x):
    if isinstance(x, Mapping):
        return {k: walk(v) for k, v in x.items()}
    if isinstance(x, Sequence) and not isinstance(x, str):
        return [walk(v) for v in x]
    return x


print(walk({"a": (1, 2, {"b": [3]}), "c": "str"}))
