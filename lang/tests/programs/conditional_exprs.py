for n in range(-2, 3):
    sign = "neg" if n < 0 else "zero" if n == 0 else "pos"
    print(n, sign, n or "falsy", n and "truthy")
x = None
print(x or "default", x is None and "none", [] or {} or "last")
values = [0, 1, "", "a", None, [], [0]]
print([bool(v) for v in values], [v for v in values if v])
print(1 if True else 1 / 0, (lambda: 5)() if 1 else None)
a = 5
print(0 < a <= 5, 0 < a < 5, a == 5 == 5.0, not a, not not a)
