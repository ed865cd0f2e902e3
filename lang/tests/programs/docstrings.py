import functools


def f():
    """Adds things.

    More text."""
    return 1


def g():
    return 2


class A:
    """An A."""

    def m(self):
        "Method doc."


class B(A):
    pass


def deco(fn):
    @functools.wraps(fn)
    def w(*a, **k):
        return fn(*a, **k)

    return w


@deco
def hello():
    "Says hello."
    return "hi"


print(repr(f.__doc__), g.__doc__, A.__doc__, B.__doc__, A().__doc__, B().__doc__)
print(A.m.__doc__, A().m.__doc__, hello.__doc__, hello.__name__, hello())
print("__doc__" in dir(A), "__doc__" in vars(A))
