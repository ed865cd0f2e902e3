xs = [5, 3, 8, 1]
xs.append(9); xs.insert(0, 0); xs.extend([7, 7])
print(xs, xs.index(8), xs.count(7), len(xs))
print(xs.pop(), xs.pop(0), xs, xs.remove(7), xs)
xs.sort(); print(xs); xs.sort(reverse=True); print(xs); xs.reverse(); print(xs)
print(sorted(['b', 'A', 'c'], key=str.lower), sorted([(2, 'a'), (1, 'b'), (2, 'A')]))
ys = xs[:]
ys[1:3] = ['x', 'y', 'z']
print(ys, xs[::-1], xs[1::2], xs[-2:])
del ys[::2]
print(ys, [0] * 3, [[0] * 2 for _ in range(2)], [1, 2] + [3], [1, 2] * 2)
grid = [[r * 3 + c for c in range(3)] for r in range(3)]
print(grid, [row[1] for row in grid], [grid[i][i] for i in range(3)], sum(map(sum, grid)))
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0], [(i, j) for i in range(3) for j in range(i)])
print(list(reversed([1, 2, 3])), list(enumerate('ab', 1)), list(zip([1, 2], 'ab', [True, False])))
a = [1, 2, 3]
b = a
b += [4]
print(a, a is b, [1, 2] == [1, 2], [1, 2] < [1, 3], [] or 'empty', min([4, 2, 8]), max([], default=None))
