print(bool(0), bool([]), bool([0]), bool(""), bool("x"), bool(None))
print(len("héllo"), "héllo"[1], repr("é"))
print(max("apple", "banana"), min([3, 1, 2]), sum([0.5, 0.25]), sum(range(101)))
print(print)
