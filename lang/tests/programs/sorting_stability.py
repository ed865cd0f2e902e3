data = [("b", 2), ("a", 2), ("c", 1), ("d", 1), ("e", 3), ("a", 1)]
print(sorted(data, key=lambda p: p[1]))
print(sorted(data, key=lambda p: p[1], reverse=True))
print(sorted(data))
by_name = sorted(data, key=lambda p: p[0])
print(sorted(by_name, key=lambda p: p[1]))
words = ["pear", "Apple", "fig", "banana", "kiwi", "date"]
print(sorted(words, key=lambda w: (len(w), w.lower())))
print(sorted(words, key=str.lower), sorted(words, key=len, reverse=True))
nums = [3, -1, 4, -1, 5, -9, 2, 6]
print(sorted(nums, key=abs), sorted(nums, key=lambda n: (n % 3, n)))
print(sorted(range(10), key=lambda n: n % 3 == 0))
