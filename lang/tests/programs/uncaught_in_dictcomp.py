prices = {"a": 2, "b": 0}
def inverse(table):
    return {k: 1 / v for k, v in table.items() if k}
print(sorted({n % 3 for n in range(10)}))
print(inverse({"a": 4}))
inverse(prices)
