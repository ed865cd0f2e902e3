# A namedtuple (collections or typing) is a tuple: isinstance, issubclass, json, comparisons and
# concatenation with plain tuples, hashing as its tuple, the builtins that take tuples.
import json
from collections import namedtuple
from typing import NamedTuple

P = namedtuple("P", "x y", defaults=[0])


class Q(NamedTuple):
    a: int
    b: str = "z"


class R(P):
    def norm(self):
        return abs(self.x) + abs(self.y)


p, q, r = P(1, 2), Q(3), R(-4, 5)
print(isinstance(p, tuple), isinstance(q, tuple), isinstance(r, P), issubclass(P, tuple), issubclass(Q, tuple))
print(p, q, r, r.norm(), P(7))
print(json.dumps([p, q]), json.dumps({"r": r}))
print(p == (1, 2), (1, 2) == p, p != (1, 3), p < (1, 3), (0, 9) < p, p + (3,), (0,) + p, p * 2)
print(hash(p) == hash((1, 2)), {p: "p"}[(1, 2)], {(1, 2): "t"}[p], len({p, (1, 2)}))
print(sorted([P(2, 1), P(1, 5), (1, 4)]), max(p), sum(p), list(p), tuple(q), dict(zip(p._fields, p)))
x, y = p
a, *rest = q
print(x, y, a, rest, p[-1], p[::-1], q.count("z"), q.index(3), 2 in p)
print(p._replace(y=9), p._asdict(), P._make([5, 6]), Q._fields, Q._field_defaults)
print(type(p[:1]).__name__, type(p + p).__name__, "%d-%d" % p, "{}/{}".format(*p))
try:
    P(1, 2, 3)
except TypeError as e:
    print("TypeError", e)
try:
    Q()
except TypeError as e:
    print("TypeError", e)
match p:
    case (1, second):
        print("matched", second)
match q:
    case Q(a=3, b=b):
        print("class pattern", b)


class Loud(int):
    def __str__(self):
        return "LOUD"


class Tag(str):
    def __repr__(self):
        return "Tag!"


print("%s %d %r" % (Loud(3), Loud(4), Tag("t")), "%d" % Loud(5), "%r" % Tag("u"), "%s" % Tag("v"))
