class DSU:
    def __init__(self, n):
        self.parent = list(range(n))
        self.size = [1] * n
    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x
    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        return True
edges = sorted([(4, 0, 1), (8, 0, 7), (11, 1, 7), (8, 1, 2), (7, 7, 8), (1, 7, 6), (2, 2, 8), (6, 8, 6), (4, 2, 5), (7, 2, 3), (2, 6, 5), (14, 3, 5), (9, 3, 4), (10, 5, 4)])
d = DSU(9)
mst = [(u, v, w) for w, u, v in edges if d.union(u, v)]
print(mst, sum(w for _, _, w in mst))
print(len({d.find(i) for i in range(9)}))
