def dijkstra(graph, source):
    dist = {node: float("inf") for node in graph}
    dist[source] = 0
    visited = set()
    while len(visited) < len(graph):
        current = None
        for node in graph:
            if node not in visited and (current is None or dist[node] < dist[current]):
                current = node
        if dist[current] == float("inf"):
            break
        visited.add(current)
        for neighbour, weight in graph[current].items():
            candidate = dist[current] + weight
            if candidate < dist[neighbour]:
                dist[neighbour] = candidate
    return dist

graph = {
    "a": {"b": 7, "c": 9, "f": 14},
    "b": {"a": 7, "c": 10, "d": 15},
    "c": {"a": 9, "b": 10, "d": 11, "f": 2},
    "d": {"b": 15, "c": 11, "e": 6},
    "e": {"d": 6, "f": 9},
    "f": {"a": 14, "c": 2, "e": 9},
    "z": {},
}
for node, d in sorted(dijkstra(graph, "a").items()):
    print(node, d)
