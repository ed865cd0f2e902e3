"""A module's docstring is its __doc__.

Second line.
"""


def f():
    """f's own."""
    return __doc__.splitlines()[0]


print(__doc__)
print(f(), f.__doc__, __name__)
