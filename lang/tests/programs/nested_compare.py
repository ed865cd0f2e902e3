a = [1]
a.append(a)
print(a == a, len(a))
b = [[1, [2, [3]]], (4, 5)]
c = [[1, [2, [3]]], (4, 5)]
print(b == c, b < [[1, [2, [4]]]], (1, "a") < (1, "b"))
deep = []
for i in range(500):
    deep = [deep]
other = []
for i in range(500):
    other = [other]
print(deep == other)
