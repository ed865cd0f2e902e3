# Builtins that consume a generator (list, set, tuple, frozenset, sorted, set.update) go through
# the prelude; a rebound name does not change which builtin ran; a generator's error keeps its
# traceback.
def g():
    yield 1
    raise ValueError("boom")
try:
    list(g())
except ValueError as e:
    print("caught", e)
print(set(x * 2 for x in range(4)) == {0, 2, 4, 6}, sorted((x for x in [3, 1]), reverse=True))
s = {1}
s.update(x for x in range(3))
print(s, list(x for x in []), tuple(x for x in "ab"), frozenset(x for x in (1, 1)))
list = tuple
print(list(x for x in range(3)))
del list
print(list(x for x in range(3)), list((x for x in range(2))))
list(g())
