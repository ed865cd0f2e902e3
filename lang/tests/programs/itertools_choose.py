# permutations and combinations (their steps run natively): order, r, empty pools, reuse.
from itertools import permutations, combinations

print(list(permutations('abc')))
print(list(permutations(range(4), 2)))
print(list(permutations([], 0)), list(permutations([])), list(permutations('ab', 3)), list(permutations('ab', 0)))
print(sum(1 for _ in permutations(range(7))), len(list(permutations(range(6), 3))))
print(list(combinations('abcd', 2)), list(combinations(range(5), 0)), list(combinations('ab', 3)))
print(list(combinations(range(6), 6)), sum(1 for _ in combinations(range(12), 5)))
it = permutations([1, 2, 3])
print(next(it), next(it), list(it), list(it))
c = combinations([[1], [2], [3]], 2)
first = next(c)
first[0].append('shared')
print(first, list(c))
for bad in (-1,):
    try:
        list(combinations('abc', bad))
    except ValueError as e:
        print('ValueError', e)
    try:
        list(permutations('abc', bad))
    except ValueError as e:
        print('ValueError', e)
print(max(permutations(range(5)), key=lambda p: sum(i * v for i, v in enumerate(p))))
