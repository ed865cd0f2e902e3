xs = list(range(10))
xs[2:5] = ["a", "b"]
print(xs)
xs[:2] = []
print(xs)
xs[::2] = [0] * len(xs[::2])
print(xs)
del xs[1:3]
print(xs)
del xs[::2]
print(xs)
ys = [1, 2, 3]
ys[len(ys):] = [4, 5]
ys[0:0] = [-1, 0]
print(ys)
try:
    ys[::2] = [1]
except ValueError as e:
    print(e)
s = "abcdefgh"
print(s[::-1], s[1:-1:2], s[-3:], s[:100], s[5:2], s[::3])
print(list(range(10))[::-3], range(10)[2:8:2], tuple(range(5))[1:3])
