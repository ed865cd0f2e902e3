line = "the quick  brown fox jumps over the lazy dog"
words = line.split()
print(words, line.split(" ")[:4], "a,b,,c".split(","))
print(line.replace("the", "a"), line.startswith("the"), line.endswith("cat"))
print(line.find("fox"), line.find("cat"), line.count("o"), "é-x".find("x"))
xs = [3, 1, 2]
xs.extend([5, 4])
xs.insert(0, 9)
xs.insert(-1, 7)
print(xs, xs.index(5), xs.count(1))
xs.sort()
print(xs)
xs.reverse()
print(xs)
d = {"a": 1, "b": 2, "c": 3}
print(d.pop("b"), d, d.pop("zz", 0), d.setdefault("a", 5), d.setdefault("n", []), d)
d.update({"a": 10, "z": 26})
print(d)
try:
    xs.index(100)
except ValueError as e:
    print(e)
try:
    d.pop("missing")
except KeyError as e:
    print("KeyError", e)
