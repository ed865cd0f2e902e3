from typing import NamedTuple, TypedDict, Generic, TypeVar, Optional


class Pt(NamedTuple):
    x: int
    y: int = 0

    def norm1(self):
        return abs(self.x) + abs(self.y)


p = Pt(3, -4)
print(p, Pt(1), p.norm1(), p._replace(y=5), Pt._fields, Pt._field_defaults)
print(p == Pt(3, -4), p[0], list(p), p._asdict(), len(p))
x, y = p
print(x, y)
match p:
    case Pt(x=3, y=yy):
        print("matched", yy)
try:

    class Bad(NamedTuple):
        a: int = 1
        b: str

except TypeError as e:
    print("TypeError:", e)


class Movie(TypedDict):
    name: str
    year: int


m = Movie(name="Blade Runner", year=1982)
print(m, type(m).__name__)

T = TypeVar("T")


class Stack(Generic[T]):
    def __init__(self):
        self.items = []

    def push(self, item: T) -> None:
        self.items.append(item)

    def pop(self) -> Optional[T]:
        return self.items.pop() if self.items else None


s = Stack[int]()
s.push(1)
print(s.pop(), s.pop())
