x = 0.0
for i in range(1, 2000001):
    x += 1.0 / (i * i)
print(x)
