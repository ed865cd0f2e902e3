counts = {}
for word in ["a", "b", "a", "c", "b", "a"]:
    counts[word] = counts.get(word, 0) + 1
print(counts, len(counts), counts["a"])
print(list(counts.keys()), list(counts.values()), list(counts.items()))
d = {1: "one", 2.0: "two", True: "yes", (1, 2): "pair"}
print(d, d[1], d[2], d[(1, 2)])
for k in counts:
    print(k, counts[k])
counts["b"] += 10
print(counts, "a" in counts, "z" in counts, {} == {}, {1: 2} == {1: 2})
