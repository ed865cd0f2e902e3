edges = {(1, 2), (2, 3), (3, 1), (1, 2)}
print(len(edges), edges)
nodes = {a for a, b in edges} | {b for a, b in edges}
print(nodes)
visited = set()
stack = [1]
while stack:
    n = stack.pop()
    if n in visited:
        continue
    visited.add(n)
    stack.extend(b for a, b in edges if a == n)
print(visited, {n % 3 for n in range(50)}, set([8, 16, 24, 32, 40]))
grid = {(x, y) for x in range(3) for y in range(2)}
print(grid)
