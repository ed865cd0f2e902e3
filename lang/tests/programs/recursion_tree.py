def build(depth):
    if depth == 0:
        return None
    return (build(depth - 1), depth, build(depth - 1))

def count(t):
    return 0 if t is None else count(t[0]) + 1 + count(t[2])

def height(t):
    return 0 if t is None else 1 + max(height(t[0]), height(t[2]))

def inorder(t):
    if t is None:
        return []
    return inorder(t[0]) + [t[1]] + inorder(t[2])

t = build(4)
print(count(t), height(t), inorder(t))
def hanoi(n, a, b, c, moves):
    if n:
        hanoi(n - 1, a, c, b, moves)
        moves.append((a, c))
        hanoi(n - 1, b, a, c, moves)
    return moves
m = hanoi(5, "A", "B", "C", [])
print(len(m), m[:3])
def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))
print(ackermann(2, 3))
