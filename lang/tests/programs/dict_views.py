d = {"a": 1, "b": 2}
k, v, it = d.keys(), d.values(), d.items()
print(k, v, it, len(k), "a" in k, 2 in v, ("b", 2) in it, ("b", 3) in it)
d["c"] = 3
print(list(k), sorted(v), list(it), bool({}.keys()), k == k)
for key, value in d.items():
    print(key, value)
print(dict(d.items()), sorted(d.keys(), reverse=True), max(d.values()), sum(d.values()))
print([x for x in d], list(reversed(list(d.items()))), {**d}.keys())
