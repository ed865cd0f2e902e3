# A chaos game (in the spirit of pyperformance "chaos", much smaller), written for the corpus.
import random
import math
rng = random.Random(1234)
corners = [(0.0, 0.0), (1.0, 0.0), (0.5, math.sqrt(3) / 2)]
x, y = 0.3, 0.3
w, h = 48, 20
grid = [[' '] * w for _ in range(h)]
for i in range(6000):
    cx, cy = rng.choice(corners)
    x, y = (x + cx) / 2, (y + cy) / 2
    if i > 20:
        gx = min(w - 1, int(x * w))
        gy = min(h - 1, int((1 - y / (math.sqrt(3) / 2)) * (h - 1)))
        grid[gy][gx] = '*'
for row in grid:
    print(''.join(row).rstrip())
print(round(x, 6), round(y, 6))
