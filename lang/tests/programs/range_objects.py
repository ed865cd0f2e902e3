r = range(2, 20, 3)
print(r, list(r), len(r), r[0], r[-1], r[1:3], 5 in r, 6 in r, r.index(8) if False else "skip")
print(list(range(10, 0, -2)), list(range(0)), list(range(-3, 3)), range(5) == range(0, 5))
print(sum(range(1, 101)), max(range(7)), list(reversed(range(4))), sorted(range(3), reverse=True))
for i in range(3, 0, -1):
    print(i, end=" ")
print()
print([i * i for i in range(1, 6) if i % 2], len(range(0, 100, 7)), range(3)[2])
