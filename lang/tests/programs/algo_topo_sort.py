from collections import deque, defaultdict
deps = {'app': ['lib', 'util'], 'lib': ['core'], 'util': ['core', 'log'], 'core': [], 'log': [], 'test': ['app']}
indeg = {k: 0 for k in deps}
users = defaultdict(list)
for k, vs in deps.items():
    for v in vs:
        indeg[k] += 1
        users[v].append(k)
q = deque(sorted(k for k, n in indeg.items() if n == 0))
order = []
while q:
    n = q.popleft()
    order.append(n)
    for u in sorted(users[n]):
        indeg[u] -= 1
        if indeg[u] == 0:
            q.append(u)
print(order)
def dfs_order(graph):
    seen, out = set(), []
    def visit(n):
        if n in seen:
            return
        seen.add(n)
        for m in graph[n]:
            visit(m)
        out.append(n)
    for n in sorted(graph):
        visit(n)
    return out
print(dfs_order(deps))
