from itertools import permutations, combinations, combinations_with_replacement, product
print(list(permutations('abc')))
print(list(permutations(range(4), 2)))
print(list(combinations('abcde', 3)))
print(list(combinations_with_replacement([1, 2, 3], 2)))
print(list(product([0, 1], repeat=3)))
print(list(product('ab', 'xy', [1])))
print(len(list(permutations(range(6)))), len(list(combinations(range(10), 4))), list(combinations([1], 2)), list(permutations([], 0)))
target = 10
coins = [1, 2, 5]
ways = [c for c in combinations_with_replacement(coins, 4) if sum(c) == target]
print(ways)
best = min(permutations([(0, 0), (3, 1), (1, 4), (5, 5)]), key=lambda route: sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in zip(route, route[1:])))
print(best)
