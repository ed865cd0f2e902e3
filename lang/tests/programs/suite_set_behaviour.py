a = {1, 2, 3, 4}
b = {3, 4, 5}
print(a | b, a & b, a - b, a ^ b, a <= {1, 2, 3, 4, 5}, a.isdisjoint({9}), a.issuperset({1, 2}))
a.add(10); a.discard(99); a.remove(1)
print(sorted(a), len(a), 3 in a)
c = a.copy()
c.update([100, 200]); c.intersection_update({2, 100, 200, 3}); print(sorted(c))
print(sorted(set('mississippi')), frozenset([1, 2]) | {3}, {x % 3 for x in range(10)})
seen = set()
dups = [x for x in [1, 2, 1, 3, 2, 4] if x in seen or seen.add(x)]
print(dups, sorted(seen))
words = ['apple', 'banana', 'avocado', 'cherry']
print(sorted({w[0] for w in words}), set() == set(), {1, 2} == {2, 1}, len({(1, 2), (1, 2), (2, 1)}))
try:
    set().pop()
except KeyError as e:
    print('KeyError', e)
