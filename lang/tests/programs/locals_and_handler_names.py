# locals() (and vars(), dir() without an argument) inside functions: a snapshot of the bound
# locals, parameters first, free variables included, comprehension variables not; and the
# name of `except ... as name` is unbound when its clause ends.


def f(a, b=2, *args, **kw):
    c = 3
    squares = [x * x for x in range(3)]
    try:
        raise ValueError("v")
    except ValueError as e:
        inside = sorted(locals())
    print(inside)
    print(sorted(locals().items(), key=lambda kv: kv[0]))
    print(list(locals()))
    later = 1
    return locals()


print(f(1, 5, 6, k=7))


def outer():
    captured = "cell"

    def inner():
        mine = captured
        return locals()

    print(inner())
    print(sorted(locals()))
    return inner


outer()


def unbound():
    print(locals())
    x = 1
    print(locals(), vars(), dir())
    del x
    print(locals())


unbound()


def fmt(name, count):
    return "{name} has {count}".format(**locals())


print(fmt("ann", 3))
print("%(who)s: %(n)d" % (lambda who, n: locals())("ben", 4))


def gen(n):
    for i in range(n):
        yield sorted(locals())


print(list(gen(2)))


class C:
    def m(self, v):
        return locals()


print(sorted(C().m(3)))


def copy_is_a_copy():
    y = 1
    ns = locals()
    ns["y"] = 99
    return y


print(copy_is_a_copy())


def handler_name_gone():
    try:
        raise KeyError("k")
    except KeyError as err:
        print("caught", repr(err))
    try:
        return err
    except NameError as n:
        return type(n).__name__


print(handler_name_gone())

try:
    {}["missing"]
except KeyError as module_level_error:
    print("module level", module_level_error)
try:
    print(module_level_error)
except NameError as n:
    print("NameError", n)
