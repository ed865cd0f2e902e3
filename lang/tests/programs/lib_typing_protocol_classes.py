from typing import Protocol, Optional, List, Dict
from typing import Iterator, Generic, TypeVar, overload, final
T = TypeVar('T')
class Shape(Protocol):
    def area(self) -> float:
        raise NotImplementedError
class Square:
    def __init__(self, s: float) -> None:
        self.s = s
    def area(self) -> float:
        return self.s ** 2
class Stack:
    def __init__(self) -> None:
        self.items: List[int] = []
    def push(self, item: int) -> None:
        self.items.append(item)
    def pop(self) -> Optional[int]:
        return self.items.pop() if self.items else None
def total(shapes: List[Shape]) -> float:
    return sum(s.area() for s in shapes)
@final
def double(x: int) -> int:
    return 2 * x
s = Stack()
s.push(1)
s.push(2)
print(total([Square(2), Square(3)]), s.pop(), s.pop(), s.pop(), double(4))
def gen(n: int) -> Iterator[int]:
    yield from range(n)
print(list(gen(3)))
