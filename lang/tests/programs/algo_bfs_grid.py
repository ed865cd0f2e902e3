grid = [
    "S.#.....",
    ".##.###.",
    "....#...",
    "#.#...#E",
]
rows, cols = len(grid), len(grid[0])
start = end = None
for r, line in enumerate(grid):
    for c, ch in enumerate(line):
        if ch == "S":
            start = (r, c)
        elif ch == "E":
            end = (r, c)

queue = [start]
came = {start: None}
head = 0
while head < len(queue):
    r, c = queue[head]
    head += 1
    if (r, c) == end:
        break
    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nr, nc = r + dr, c + dc
        if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] != "#" and (nr, nc) not in came:
            came[(nr, nc)] = (r, c)
            queue.append((nr, nc))

path = []
node = end
while node is not None:
    path.append(node)
    node = came[node]
path.reverse()
print(len(path) - 1, path[:4])
canvas = [list(line) for line in grid]
for r, c in path[1:-1]:
    canvas[r][c] = "*"
print("\n".join("".join(row) for row in canvas))
