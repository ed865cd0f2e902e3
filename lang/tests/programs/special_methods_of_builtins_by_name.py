# Special methods of builtin values called by name: bound, through the type, reflected, and
# NotImplemented for an operand the type does not handle; which type has which, as CPython.

cases = [
    lambda: [1, 2].__len__(),
    lambda: [1, 2].__iter__().__next__(),
    lambda: {"a": 1}.__getitem__("a"),
    lambda: "ab".__add__("c"),
    lambda: (3).__add__(4),
    lambda: (3).__radd__(4),
    lambda: (3).__sub__(1),
    lambda: (3).__rsub__(1),
    lambda: (7).__truediv__(2),
    lambda: (7).__rtruediv__(2),
    lambda: (7).__floordiv__(2),
    lambda: (7).__mod__(3),
    lambda: (2).__pow__(10),
    lambda: (2).__rpow__(10),
    lambda: (6).__and__(3),
    lambda: (6).__or__(3),
    lambda: (6).__xor__(3),
    lambda: (1).__lshift__(4),
    lambda: (16).__rshift__(2),
    lambda: (16).__rrshift__(2),
    lambda: (5).__invert__(),
    lambda: (5).__neg__(),
    lambda: (0.0).__neg__(),
    lambda: True.__pos__(),
    lambda: (-2.5).__abs__(),
    lambda: (2.5).__round__(),
    lambda: (2.567).__round__(2),
    lambda: (7).__divmod__(2),
    lambda: (7).__rdivmod__(2),
    lambda: (3.9).__int__(),
    lambda: (3).__float__(),
    lambda: True.__index__(),
    lambda: (0).__bool__(),
    lambda: (5).__format__("03d"),
    lambda: (1 << 80).__add__(1),
    lambda: (3).__add__("a"),
    lambda: (3).__add__(1.5),
    lambda: (1.5).__add__(3),
    lambda: "a".__mul__(3),
    lambda: "a".__rmul__(3),
    lambda: "a".__add__(1),
    lambda: [].__hash__,
    lambda: {}.__hash__ is None,
    lambda: {}.__lt__({}),
    lambda: range(3).__lt__(range(4)),
    lambda: (1).__eq__(True),
    lambda: (1.0).__eq__(1),
    lambda: (1).__lt__(2.5),
    lambda: "%s-%d".__mod__(("x", 2)),
    lambda: [1].__add__((2,)),
    lambda: [1].__mul__(2),
    lambda: (1, 2).__add__((3,)),
    lambda: (1, 2).__contains__(2),
    lambda: "abc".__getitem__(slice(1, None)),
    lambda: "abc".__contains__("bc"),
    lambda: b"ab".__len__(),
    lambda: {1, 2}.__and__({2, 3}),
    lambda: {1, 2}.__sub__({2}),
    lambda: {1, 2}.__or__([3]),
    lambda: frozenset({1}).__hash__() == hash(frozenset({1})),
    lambda: {"a": 1}.__or__({"b": 2}),
    lambda: {"a": 1}.__contains__("a"),
    lambda: {"a": 1}.__len__(),
    lambda: range(10).__len__(),
    lambda: range(10).__getitem__(3),
    lambda: range(10).__contains__(4),
    lambda: (5).__eq__(5),
    lambda: (5).__eq__("5"),
    lambda: (5).__eq__(5.0),
    lambda: (5).__lt__(7),
    lambda: (5).__ne__(6),
    lambda: "b".__lt__("a"),
    lambda: "b".__lt__(1),
    lambda: [1].__eq__([1]),
    lambda: {1}.__le__({1, 2}),
    lambda: (7).__hash__(),
    lambda: "x".__hash__() == hash("x"),
    lambda: [3].__repr__(),
    lambda: "q".__repr__(),
    lambda: (5).__str__(),
    lambda: int.__add__(1, 2),
    lambda: str.__len__("abc"),
    lambda: list.__len__([1]),
    lambda: dict.__getitem__({"a": 1}, "a"),
    lambda: str.__mod__("%d", 5),
    lambda: float.__mul__(1.5, 2),
    lambda: [1, 2].__len__(1),
    lambda: {}.__getitem__("missing"),
]
for case in cases:
    try:
        print(repr(case()))
    except Exception as e:
        print(type(e).__name__, e)

items = [1, 2, 3]
items.__setitem__(0, 10)
items.__setitem__(slice(1, 2), [20, 21])
items.__delitem__(-1)
print(items)
d = {"a": 1}
d.__setitem__("b", 2)
d.__delitem__("a")
print(d)

for value, names in [
    ([], ["__len__", "__sub__", "__hash__", "__setitem__", "__lt__"]),
    ((), ["__hash__", "__setitem__", "__add__"]),
    ({}, ["__or__", "__lt__", "__getitem__"]),
    (1, ["__add__", "__len__", "__index__", "__and__"]),
    (1.0, ["__and__", "__index__", "__round__"]),
    ("", ["__mod__", "__sub__", "__hash__"]),
    (set(), ["__hash__", "__sub__", "__getitem__"]),
    (range(1), ["__len__", "__hash__", "__add__"]),
]:
    print(type(value).__name__, [hasattr(value, n) for n in names])

print(sorted([3, 1, 2], key=(10).__sub__))
print(list(map((2).__mul__, [1, 2, 3])), list(filter("aeiou".__contains__, "education")))
print(sum(map(int.__mul__, [1, 2, 3], [4, 5, 6])))
