# match statements (PEP 634): every pattern kind, guards, bindings, and CPython's errors.
from collections import namedtuple, deque, defaultdict, OrderedDict, Counter
from dataclasses import dataclass


def describe(x):
    match x:
        case None:
            return "none"
        case True:
            return "true"
        case False:
            return "false"
        case 0 | 0.0:
            return "zero"
        case int(n) if n < 0:
            return f"negative int {n}"
        case int() | float() as number:
            return f"number {number!r}"
        case "":
            return "empty string"
        case str(text) if len(text) > 5:
            return "long string " + text[:5]
        case str():
            return "string " + x
        case []:
            return "empty list-or-tuple"
        case [single]:
            return f"one item {single!r}"
        case [first, second]:
            return f"pair {first!r} {second!r}"
        case [first, *middle, last]:
            return f"first {first!r} middle {middle!r} last {last!r}"
        case {"kind": "point", "x": px, "y": py}:
            return f"point at {px},{py}"
        case {"kind": kind, **rest}:
            return f"kind {kind} with {sorted(rest)}"
        case {}:
            return "some mapping"
        case _:
            return "something else: " + type(x).__name__


for value in [None, True, False, 0, 0.0, -3, 7, 2.5, "", "hello world", "hi", [], (), [1], (2,),
              [1, 2], (3, 4), [1, 2, 3, 4], range(5), {"kind": "point", "x": 1, "y": 2},
              {"kind": "circle", "r": 3, "c": 0}, {"other": 1}, {}, {1, 2}, b"bytes", object.__name__]:
    print(repr(value)[:40], "->", describe(value))


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class Point3(Point):
    __match_args__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z


def where(p):
    match p:
        case Point(0, 0):
            return "origin"
        case Point3(x, y, z=0):
            return f"flat 3d at {x},{y}"
        case Point(x=0, y=y):
            return f"on the y axis at {y}"
        case Point(x, 0):
            return f"on the x axis at {x}"
        case Point(x, y) if x == y:
            return f"diagonal {x}"
        case Point():
            return "somewhere"
        case _:
            return "not a point"


for p in [Point(0, 0), Point(0, 5), Point(4, 0), Point(2, 2), Point(1, 2), Point3(1, 2, 0),
          Point3(1, 2, 3), "x"]:
    print(where(p))


@dataclass
class Move:
    dx: int
    dy: int = 0


@dataclass
class Say:
    text: str


def run(commands):
    x = y = 0
    said = []
    for c in commands:
        match c:
            case Move(dx, dy):
                x += dx
                y += dy
            case Say(text=t):
                said.append(t)
            case ["go", ("north" | "south") as direction, int(steps)]:
                y += steps if direction == "north" else -steps
            case ["go", direction, *_]:
                said.append("cannot go " + direction)
            case ("quit" | "exit"):
                break
    return x, y, said


print(run([Move(1, 2), Say("hi"), ["go", "north", 3], ["go", "west", 1, 2], ("go", "south", 1),
           Move(5), "exit", Say("never")]))

Pair = namedtuple("Pair", "left right")
match Pair(1, [2, 3]):
    case Pair(left, [a, b]):
        print("namedtuple", left, a, b)
match Pair(1, 2):
    case (l, r):
        print("namedtuple as sequence", l, r)

match deque([1, 2, 3]):
    case [1, *rest]:
        print("deque", rest)

dd = defaultdict(list)
dd["a"].append(1)
match dd:
    case {"a": [v], **others}:
        print("defaultdict", v, others, "b" in dd)
match OrderedDict(x=1):
    case {"x": 1}:
        print("ordered dict")
match Counter("aab"):
    case {"a": count}:
        print("counter", count)

# Non-sequences: str, bytes, iterators and sets are never sequence patterns.
for label, v in [("str", "ab"), ("bytes", b"ab"), ("iterator", iter([1, 2])), ("set", {1, 2}),
                 ("frozenset", frozenset([1])), ("dict", {1: 2, 3: 4})]:
    match v:
        case [a, b]:
            print("matched as sequence", a, b)
        case _:
            print("not a sequence:", label)

# Value patterns: dotted names, negative and complex-free literals, strings concatenated.
class Color:
    RED = 1
    GREEN = 2

for c in [1, 2, 3, -1, "ab"]:
    match c:
        case Color.RED:
            print("red")
        case Color.GREEN:
            print("green")
        case -1:
            print("minus one")
        case "a" "b":
            print("ab")
        case other:
            print("other", other)

# Nested or-patterns, as-patterns, and captures inside mappings inside sequences.
data = [{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": []}, {"id": "x"}, [1, [2, [3, [4]]]]]
for d in data:
    match d:
        case {"id": int(i), "tags": [first, *_]}:
            print("tagged", i, first)
        case {"id": int(i), "tags": []}:
            print("untagged", i)
        case {"id": str() as s}:
            print("string id", s)
        case [a, [b, [c, [e]]]]:
            print("deep", a + b + c + e)

# Guards see the bindings; a failed guard moves on to the next case.
for n in range(6):
    match n:
        case x if x % 2 == 0 and x > 2:
            print(n, "big even")
        case x if x % 2 == 0:
            print(n, "even")
        case _:
            print(n, "odd")

# match inside a loop with break/continue, and in a generator.
def gen(items):
    for item in items:
        match item:
            case "stop":
                return
            case "skip":
                continue
            case [*xs]:
                yield sum(xs)
            case _:
                yield item


print(list(gen([1, [2, 3], "skip", (4, 5, 6), "stop", 9])))

# Module-level bindings persist after the match.
match (10, 20):
    case (first_value, second_value):
        pass
print(first_value, second_value)

# Builtin self-matching types.
for v in [5, "s", [1], (1,), {1: 2}, {3}, 1.5, True, b"x"]:
    match v:
        case bool(b):
            print("bool", b)
        case int(i):
            print("int", i)
        case str(s) | bytes(s):
            print("str or bytes", s)
        case list(l) | tuple(l):
            print("list or tuple", l)
        case dict(m):
            print("dict", m)
        case set(m):
            print("set", m)
        case float(f):
            print("float", f)

# Runtime errors, as CPython words them.
class NoArgs:
    pass


class BadArgs:
    __match_args__ = ["a"]


class BadElems:
    __match_args__ = (1,)


class One:
    __match_args__ = ("a",)
    a = 1


def f():
    pass


def case_noargs():
    match NoArgs():
        case NoArgs(a):
            pass


def case_badargs():
    match BadArgs():
        case BadArgs(a):
            pass


def case_badelems():
    match BadElems():
        case BadElems(a):
            pass


def case_dup():
    match One():
        case One(x, a=y):
            pass


def case_toomany():
    match One():
        case One(x, y):
            pass


def case_int2():
    match 5:
        case int(a, b):
            pass


def case_notaclass():
    match 1:
        case f():
            pass


def case_unmatched_is_fine():
    match 1:
        case f() if False:
            pass
        case _:
            pass


for test in [case_noargs, case_badargs, case_badelems, case_dup, case_toomany, case_int2,
             case_notaclass]:
    try:
        test()
        print(test.__name__, "no error")
    except TypeError as e:
        print(test.__name__, "TypeError:", e)
