from contextlib import contextmanager, suppress, nullcontext, closing, ExitStack


@contextmanager
def tag(name):
    print("<" + name + ">")
    try:
        yield name.upper()
    finally:
        print("</" + name + ">")


with tag("a") as t:
    print("inside", t)

try:
    with tag("b"):
        raise ValueError("boom")
except ValueError as e:
    print("caught", e)


@contextmanager
def swallow():
    try:
        yield
    except KeyError as e:
        print("swallowed", repr(e))


with swallow():
    {}["missing"]
print("after swallow")

with suppress(ZeroDivisionError, KeyError):
    1 / 0
print("suppressed")
try:
    with suppress(KeyError):
        [][1]
except IndexError as e:
    print("not suppressed:", e)

with nullcontext(5) as v:
    print("null", v)


class Res:
    def __init__(self, n):
        self.n = n

    def close(self):
        print("closed", self.n)

    def __enter__(self):
        print("enter", self.n)
        return self

    def __exit__(self, *exc):
        print("exit", self.n, exc[0].__name__ if exc[0] else None)
        return False


with closing(Res(1)) as r:
    print("using", r.n)

with ExitStack() as stack:
    rs = [stack.enter_context(Res(i)) for i in range(3)]
    stack.callback(print, "callback ran")
    print("opened", [r.n for r in rs])

try:
    with ExitStack() as stack:
        stack.enter_context(Res(9))
        raise RuntimeError("inside stack")
except RuntimeError as e:
    print("stack propagated", e)


@contextmanager
def bad():
    yield 1
    yield 2


try:
    with bad():
        pass
except RuntimeError as e:
    print("RuntimeError:", e)
print(tag.__name__)


class Lazy:
    def __init__(self):
        self.loaded = {"a": 1}

    def __getattr__(self, name):
        if name in self.loaded:
            return self.loaded[name]
        raise AttributeError(f"no {name}")


z = Lazy()
print(z.a, hasattr(z, "b"), getattr(z, "b", "dflt"))
try:
    z.b
except AttributeError as e:
    print("AttributeError:", e)
print((1).__class__.__name__, "s".__class__.__name__, [].__class__ is list)
print("{x}/{y}".format_map({"x": 1, "y": 2}))


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self):
        self.x = 1


class SlottedChild(Slotted):
    __slots__ = "z"


class Open(Slotted):
    pass


s = Slotted()
s.y = 2
print(s.x, s.y, hasattr(s, "__dict__"))
for obj, attr in ((s, "w"), (SlottedChild(), "q")):
    try:
        setattr(obj, attr, 1)
    except AttributeError as e:
        print("AttributeError:", e)
c = SlottedChild()
c.z = 3
o = Open()
o.anything = 4
print(c.z, o.anything)
