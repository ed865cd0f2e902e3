# Indexing a builtin sequence with something other than an int: CPython's TypeError per type.
key, number, nothing = "x", 1.0, None
cases = [lambda: b"abc"[key], lambda: [1][key], lambda: (1,)[key], lambda: "ab"[key],
         lambda: b"ab".rindex(b"z"), lambda: b"ab"[number], lambda: bytearray(b"ab")[number],
         lambda: [1, 2][nothing], lambda: b"ab".index(b"q")]
for case in cases:
    try:
        case()
    except Exception as x:
        print(type(x).__name__, x)
items = [1, 2]
for bad in (key, number):
    try:
        items[bad] = 3
    except TypeError as x:
        print(x)
    try:
        del items[bad]
    except TypeError as x:
        print(x)
