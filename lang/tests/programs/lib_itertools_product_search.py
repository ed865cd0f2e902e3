from itertools import product, permutations, combinations
digits = range(10)
solutions = []
for s, e, n, d in permutations(digits, 4):
    if s == 0:
        continue
    if (1000 * s + 100 * e + 10 * n + d) * 2 == 10000 * 1 + 1000 * 0 + 100 * 0 + 10 * 0 + 0 + (s * 0):
        solutions.append((s, e, n, d))
print(len(solutions))
best = max(combinations([3, 34, 4, 12, 5, 2], 3), key=lambda c: (sum(c) <= 20, sum(c)))
print(best, sum(best))
print(sum(1 for a, b in product(range(1, 30), repeat=2) if a * a + b * b in {c * c for c in range(1, 42)}))
