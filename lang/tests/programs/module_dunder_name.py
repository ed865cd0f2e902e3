# A module's __name__, for library and builtin modules, plain and dotted, under an alias.
import json, collections, math, collections.abc
import random as r
from itertools import chain
print(json.__name__, collections.__name__, math.__name__, r.__name__, collections.abc.__name__)
print(hasattr(math, "__name__"), getattr(math, "__nope__", 5), __name__)
print([m.__name__ for m in (json, math)], chain.__name__)
