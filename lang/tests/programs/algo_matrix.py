def matmul(a, b):
    n, m, p = len(a), len(b), len(b[0])
    return [[sum(a[i][k] * b[k][j] for k in range(m)) for j in range(p)] for i in range(n)]

def transpose(a):
    return [list(row) for row in zip(*a)]

def identity(n):
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]

def det(m):
    if len(m) == 1:
        return m[0][0]
    total = 0
    for c in range(len(m)):
        minor = [row[:c] + row[c + 1:] for row in m[1:]]
        total += (-1) ** c * m[0][c] * det(minor)
    return total

a = [[1, 2], [3, 4]]
b = [[5, 6], [7, 8]]
print(matmul(a, b), transpose([[1, 2, 3], [4, 5, 6]]))
print(matmul(a, identity(2)) == a, det([[2, 0, 1], [1, 3, 2], [1, 1, 1]]))
m = [[float(i + j) / 2 for j in range(3)] for i in range(3)]
for row in matmul(m, m):
    print(" ".join(f"{x:6.2f}" for x in row))
