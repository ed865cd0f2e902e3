from collections import defaultdict
edges = [('a', 'b'), ('a', 'c'), ('b', 'd'), ('c', 'd'), ('d', 'e'), ('f', 'g')]
graph = defaultdict(set)
for u, v in edges:
    graph[u].add(v)
    graph[v].add(u)
print(sorted((k, sorted(v)) for k, v in graph.items()))
def components(graph):
    seen = set()
    out = []
    for node in sorted(graph):
        if node in seen:
            continue
        stack = [node]
        comp = []
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            comp.append(n)
            stack.extend(sorted(graph[n]))
        out.append(sorted(comp))
    return out
print(components(graph))
counts = defaultdict(int)
for ch in 'mississippi':
    counts[ch] += 1
print(dict(counts.items()), counts['z'], len(counts))
nested = defaultdict(lambda: defaultdict(int))
nested['x']['y'] += 2
nested['x']['z'] += 1
print({k: dict(v.items()) for k, v in nested.items()})
d = defaultdict(None, {'a': 1})
try:
    d['missing']
except KeyError as e:
    print('KeyError', e)
print(d, defaultdict(list), defaultdict(int, a=5))
