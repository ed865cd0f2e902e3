xs = [5, 3, 8, 1]
xs.sort()
print(xs)
xs.sort(reverse=True)
print(xs)
words = ["banana", "Apple", "cherry"]
words.sort(key=str.lower)
print(words)
words.sort(key=len, reverse=True)
print(words)
print(xs.index(3), xs.count(8), xs.copy(), xs[:])
xs.remove(8)
xs.insert(0, 100)
xs.insert(-1, 50)
print(xs)
xs.clear()
print(xs, len(xs))
grid = [[0] * 3 for _ in range(3)]
grid[1][1] = 5
print(grid)
alias = [[0] * 2] * 2
alias[0][0] = 1
print(alias)
a = [1, 2]
b = a
b += [3]
print(a, a is b)
c = a + [4]
print(c, a)
print([1, 2] * 3, [[]] * 2, list(range(3)) == [0, 1, 2], [1, 2] < [1, 3], [] or "empty")
nested = [[3, 4], [1, 2], [1, 1]]
print(sorted(nested), min(nested), max(nested, key=sum))
