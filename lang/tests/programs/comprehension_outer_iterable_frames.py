# A comprehension's outermost iterable is evaluated, and iter() taken, in the enclosing scope:
# an error there shows no comprehension frame in the traceback (CPython 3.11), which the
# uncaught error at the end checks.


def first(items):
    return [x for x in items]


def inner(rows):
    return [y for row in rows for y in row]


def element(items):
    return {x: 1 // x for x in items}


for call, arg in ((first, 5), (first, None), (inner, [[1], 2]), (element, [1, 0])):
    try:
        call(arg)
    except Exception as e:
        print(call.__name__, type(e).__name__, e)
print({k: v for k, v in zip("ab", range(2))}, {c for c in "aab"} == {"a", "b"})


def broken():
    return {x for x in undefined_name}


broken()
