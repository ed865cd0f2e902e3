for a in [7, -7]:
    for b in [3, -3]:
        print(a, b, a // b, a % b, divmod(a, b), a / b)
for a in [7.5, -7.5]:
    print(a, a // 2, a % 2, a // -2, a % -2)
print(0 // 5, 0 % 5, 5 % 1, -0.0 == 0.0, 10 ** -2, (-2) ** 3, -2 ** 2, 2 ** 3 ** 2)
try:
    5 // 0
except ZeroDivisionError as e:
    print(e)
try:
    5.0 % 0
except ZeroDivisionError as e:
    print(e)
