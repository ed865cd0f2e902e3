# dict(), dict.update() and ** take any object with keys() as a mapping, as CPython does.
from collections import Counter, OrderedDict
class M:
    def keys(self):
        return ["x", "y"]
    def __getitem__(self, k):
        return k * 2
d = {"z": 0}
d.update(M())
print(d, dict(M()), dict(OrderedDict([("a", 1)])))
def f(**kw):
    return sorted(kw.items())
print(f(**Counter("aab")))
try:
    dict([1, 2])
except TypeError as e:
    print("TypeError", e)
try:
    dict(["abc"])
except ValueError as e:
    print("ValueError", e)
d.update([("q", 1)])
print(d)
