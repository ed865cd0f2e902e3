x = "outer"
squares = [x * x for x in range(5)]
print(x, squares)
matrix = [[i * j for j in range(4)] for i in range(3)]
print(matrix)
flat = [v for row in matrix for v in row if v % 2 == 0]
print(flat)
pairs = [(a, b) for a in "xy" for b in range(2)]
print(pairs)
words = ["hello", "world"]
print({w: len(w) for w in words}, {c for w in words for c in w if c in "lo"} == {"l", "o"})
print([[c for c in w] for w in words])
evens = [n for n in range(20) if n % 2 == 0 if n % 3 == 0]
print(evens)
def f(k):
    return [k * i for i in range(3)]
print(f(7))
print([i for i in range(3)], [(lambda y: y + 1)(i) for i in range(3)])
