xs = [3, 1, 4, 1, 5, 9, 2, 6]
print(xs, len(xs), xs[2], xs[-1])
xs[0] = 30
xs.append(7)
print(xs, xs.pop(), xs.pop(0), xs)
print(sum(xs), min(xs), max(xs), min(4, 2, 8), max([1.5, 2]))
print([1, 2] + [3], [0] * 4, [1, [2, [3]]], (1,), (1, 2), ())
print(3 in xs, 100 in xs, [1, 2] == [1, 2], [1, 2] < [1, 3], (1, 2) < (1, 2, 0))
total = 0
for x in xs:
    if x % 2 == 0:
        continue
    if x > 8:
        break
    total += x
print(total)
print(list(range(5)), list(range(10, 0, -3)), len(range(0, 10, 3)), 4 in range(0, 10, 2))
