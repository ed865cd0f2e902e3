class Grid:
    def __init__(self, w, h, fill=0):
        self.w, self.h = w, h
        self.cells = [fill] * (w * h)
    def __getitem__(self, pos):
        x, y = pos
        return self.cells[y * self.w + x]
    def __setitem__(self, pos, value):
        x, y = pos
        self.cells[y * self.w + x] = value
    def __len__(self):
        return len(self.cells)
    def __iter__(self):
        for y in range(self.h):
            yield [self[x, y] for x in range(self.w)]
    def __contains__(self, value):
        return value in self.cells

g = Grid(3, 2)
g[1, 0] = 5
g[2, 1] = 7
print(g[1, 0], g[0, 0], len(g), 7 in g, 9 in g)
for row in g:
    print(row)
g[0, 1] += 3
print(list(g))
