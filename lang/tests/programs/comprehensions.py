x = "outer"
squares = [x * x for x in range(6)]
print(squares, x)
evens = [n for n in range(20) if n % 2 == 0 if n % 3 != 0]
print(evens)
pairs = [(i, j) for i in range(3) for j in range(i)]
print(pairs)
words = ["apple", "Banana", "cherry"]
print([w.upper() for w in words if len(w) > 5], {w: len(w) for w in words})
matrix = [[i * 3 + j for j in range(3)] for i in range(3)]
print(matrix, [row[i] for i, row in enumerate(matrix)])
print({k: v for k, v in zip("abc", [1, 2, 3]) if v != 2})

def flatten(rows):
    return [cell for row in rows for cell in row]

print(flatten(matrix), sum([c for c in flatten(matrix) if c > 4]))
