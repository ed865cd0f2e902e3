from typing import List, Dict, Optional, Tuple, Union, Callable, Any, Iterable, Iterator, Sequence, TypeVar, Set, cast
import typing
T = TypeVar('T')
Vector = List[float]
Matrix = List[Vector]
def scale(v: Vector, k: float) -> Vector:
    return [k * x for x in v]
def first(items: Sequence[T]) -> Optional[T]:
    return items[0] if items else None
def apply(f: Callable[[int], int], xs: Iterable[int]) -> List[int]:
    return [f(x) for x in xs]
def counts(words: List[str]) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for w in words:
        out[w] = out.get(w, 0) + 1
    return out
def pairs(n: int) -> Iterator[Tuple[int, int]]:
    for i in range(n):
        yield (i, i * i)
class Stack:
    items: List[Any]
    def __init__(self) -> None:
        self.items = []
    def push(self, x: Any) -> 'Stack':
        self.items.append(x)
        return self
print(scale([1.0, 2.0], 3), first([]), first('xyz'), apply(lambda x: x + 1, range(3)), counts(['a', 'b', 'a']))
print(list(pairs(3)), Stack().push(1).push(2).items, cast(int, '5'))
print(Vector, Matrix, Optional[int], Union[int, str], Dict[str, List[int]], T, typing.Any, Tuple[int, str])
x: Set[int] = {1, 2}
print(x, typing.TYPE_CHECKING)
