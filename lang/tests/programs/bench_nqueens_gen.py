# N-queens with permutations (pyperformance-style), written for the corpus.
from itertools import permutations
def n_queens(n):
    cols = range(n)
    for vec in permutations(cols):
        if n == len(set(vec[i] + i for i in cols)) == len(set(vec[i] - i for i in cols)):
            yield vec
solutions = list(n_queens(6))
print(len(solutions), solutions)
print(sum(1 for _ in n_queens(7)))
