n = 27
steps = 0
while n != 1:
    if n % 2 == 0:
        n = n // 2
    else:
        n = 3 * n + 1
    steps += 1
print("collatz", steps)
x = 5
print(1 < x < 10, 1 < x > 10, x == 5 == 5.0, 0 < x <= 5 < 6)
print(x > 3 and x < 4, x > 3 or 1 / 0, 0 or "fallback", 1 and 2, None or 0)
print("big" if x > 3 else "small", not x, not 0, None is None, x is not None)
for i in range(3):
    for j in range(3):
        if j == 2:
            break
        print(i, j)
