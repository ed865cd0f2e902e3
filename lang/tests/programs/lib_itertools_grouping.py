from itertools import groupby, chain, zip_longest, pairwise, starmap, compress, filterfalse, dropwhile, tee
data = [('a', 1), ('a', 2), ('b', 3), ('c', 4), ('c', 5), ('a', 6)]
for key, grp in groupby(data, key=lambda t: t[0]):
    print(key, [v for _, v in grp])
print([(k, len(list(g))) for k, g in groupby(sorted('mississippi'))])
print(''.join(k + str(len(list(g))) for k, g in groupby('aaabccdddd')))
groups = groupby([1, 1, 2, 3, 3])
keys = [k for k, _ in groups]
print(keys)
print(list(chain('ab', [1, 2], (None,))), list(chain.from_iterable([[1], [2, 3], []])))
print(list(zip_longest('abcd', [1, 2], fillvalue='?')), list(zip_longest()))
print(list(pairwise('abcd')), list(starmap(lambda a, b: a * b, [(2, 3), (4, 5)])))
print(list(compress(range(6), [1, 0, 1, 0, 1, 1])), list(filterfalse(lambda x: x % 3, range(10))))
print(list(dropwhile(lambda c: c != 'x', 'abxcd')))
a, b, c = tee(iter([1, 2, 3]), 3)
print(next(a), list(b), list(a), list(c))
