prices = {"apple": 1.2, "bread": 2.5, "milk": 0.99}
for k in prices:
    print(k, end=" ")
print()
for k, v in prices.items():
    print(f"{k}={v}", end=" ")
print()
print(sorted(prices, key=prices.get), sum(prices.values()))
squares = {n: n * n for n in range(6) if n % 2 == 0}
print(squares, 4 in squares, 3 in squares)
grouped = {}
for word in ["ant", "bee", "ape", "bat", "cow"]:
    grouped.setdefault(word[0], []).append(word)
print(grouped)
merged = dict(prices)
merged.update(milk=1.05, eggs=3.0)
print(merged)
print(dict(zip(["a", "b"], [1, 2])), {k: v for k, v in [("x", 1), ("x", 2)]})
keys = list(prices)
for k in keys:
    if k.startswith("b"):
        del prices[k]
print(prices)
