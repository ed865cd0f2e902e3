# The types of builtin iterators: names, reprs, isinstance, not callable; reversed(range) is a
# range iterator.
its = [iter([1]), iter((1,)), iter('ab'), iter('é'), iter(b'x'), iter(range(3)), iter({1: 2}),
       iter({1: 2}.values()), iter({1: 2}.items()), iter({1: 2}.keys()), iter({1, 2}), iter(frozenset([3])),
       reversed([1]), reversed((1, 2)), reversed('ab'), reversed(range(3))]
for it in its:
    t = type(it)
    print(t.__name__, t, isinstance(it, t), type(t).__name__, it.__class__.__name__)
print(isinstance(iter([]), type(iter(()))), type(iter([])) is type(iter([2])))
print(type(reversed) is type, isinstance(reversed([]), reversed))
try:
    type(iter([]))()
except TypeError as e:
    print('TypeError', e)
print(next(iter([5])), list(reversed([1, 2])))
for r in (range(5), range(1, 10, 3), range(10, 0, -2), range(0), range(5, 1), range(2**63 - 3, 2**63 - 1)):
    print(list(reversed(r)), type(reversed(r)).__name__)
