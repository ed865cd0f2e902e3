from collections import deque
grid = [
    "S.#.....",
    ".##.###.",
    "....#...",
    "##.##.#.",
    "......#E",
]
rows, cols = len(grid), len(grid[0])
start = end = None
for r in range(rows):
    for c in range(cols):
        if grid[r][c] == 'S':
            start = (r, c)
        if grid[r][c] == 'E':
            end = (r, c)
dist = {start: 0}
prev = {}
q = deque([start])
while q:
    r, c = q.popleft()
    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nr, nc = r + dr, c + dc
        if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] != '#' and (nr, nc) not in dist:
            dist[(nr, nc)] = dist[(r, c)] + 1
            prev[(nr, nc)] = (r, c)
            q.append((nr, nc))
print('distance', dist.get(end))
path = [end]
while path[-1] != start:
    path.append(prev[path[-1]])
print(path[::-1])
