x = 0.0
for i in range(1, 101):
    x = x + 1.0 / (i * i)
print(x)
print(2 ** 0.5, 10 ** 20 if False else 1e20, 1 / 7, 100.0, 1e100, 123e-20)
acc = 1.0
for i in range(30):
    acc = acc * 1.5
print(acc, acc > 1e5, float(7) == 7)
