names = ["ann", "bob", "cy"]
ages = [31, 25]
for i, (n, a) in enumerate(zip(names, ages), start=1):
    print(i, n, a)
print(list(zip()), list(zip([1, 2, 3])), list(zip(range(3), "ab", [True])))
print(dict(enumerate("xyz")), list(enumerate([], 5)))
pairs = list(zip(names, range(3)))
unzipped = list(zip(*pairs))
print(pairs, unzipped)
for idx, ch in reversed(list(enumerate("abc"))):
    print(idx, ch, end="; ")
print()
