d = {"a": 1, "b": 2}
d.update({"c": 3}, d=4)
d.update([("e", 5)])
print(d)
print(d.pop("a"), d.pop("zz", "default"), d.setdefault("b", 99), d.setdefault("f", 6))
print(d.popitem(), d)
e = d.copy()
e["new"] = 1
print(len(d), len(e), "new" in d)
d.clear()
print(d, bool(d))
counts = {}
for w in "a b a c b a".split():
    counts[w] = counts.get(w, 0) + 1
print(counts, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
inv = {v: k for k, v in counts.items()}
print(inv)
del counts["a"]
print(counts, list(counts.keys()), list(counts.values()))
m = {**{"x": 1}, **{"y": 2}}
print(m, m | {"z": 3})
nested = {"a": {"b": {"c": 1}}}
nested["a"]["b"]["d"] = 2
print(nested)
