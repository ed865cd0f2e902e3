from typing import Dict, List, Optional, Callable, TypeVar, Iterable, Tuple, Union, Any
K = TypeVar('K')
V = TypeVar('V')
def group_by(items: Iterable[V], key: Callable[[V], K]) -> Dict[K, List[V]]:
    out: Dict[K, List[V]] = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return out
def parse(s: str) -> Union[int, float, str]:
    for conv in (int, float):
        try:
            return conv(s)
        except ValueError:
            pass
    return s
def find(xs: List[int], target: int) -> Optional[int]:
    for i, x in enumerate(xs):
        if x == target:
            return i
    return None
Handler = Callable[[str], None]
handlers: Dict[str, Handler] = {}
print(group_by(['apple', 'avocado', 'bean', 'beet', 'corn'], lambda s: s[0]))
print([parse(s) for s in ['1', '2.5', 'x']], find([4, 5, 6], 6), find([], 1), Handler, K)
pair: Tuple[str, Any] = ('k', 1)
print(pair, List[Tuple[int, str]], Optional[Dict[str, int]])
