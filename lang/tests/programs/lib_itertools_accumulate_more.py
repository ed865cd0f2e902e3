from itertools import accumulate, product, permutations, chain, islice, count
import operator
print(list(accumulate([1, 2, 3, 4, 5], operator.mul)), list(accumulate('abc')), list(accumulate([], initial=5)))
balance = list(accumulate([100, -20, -30, 50, -120], initial=0))
print(balance, min(balance))
print(sum(1 for p in permutations(range(5)) if all(abs(a - b) != 1 for a, b in zip(p, p[1:]))))
grid = [''.join(p) for p in product('01', repeat=4)]
print(grid, [g for g in grid if '11' not in g])
print(list(islice(chain.from_iterable((i,) * i for i in count(1)), 12)))
