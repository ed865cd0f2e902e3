a, b = 1, 2
a, b = b, a
print(a, b)
[x, y, z] = "xyz"
print(x, y, z)
pairs = {"one": 1, "two": 2, "three": 3}
for name, value in pairs.items():
    print(name, value)
for i, letter in enumerate("abc"):
    print(i, letter)
for i, letter in enumerate(["p", "q"], 1):
    print(i, letter)
for left, right in zip([1, 2, 3], "ab"):
    print(left, right)
xs = [5, 3, 8, 1, 9, 2]
print(sorted(xs), xs, sorted("banana"), list(reversed(xs)))
print(xs[1:4], xs[:2], xs[3:], xs[::-1], xs[::2], xs[-2:], xs[:-2], xs[10:], "hello"[1:-1])
print((1, 2, 3)[1:], "abcdef"[::-2], xs[5:1:-1], xs[-100:100])
counter = 0

def bump():
    global counter
    counter += 1
    return counter

bump()
bump()
print(counter)

def swap_min_max(values):
    lo, hi = min(values), max(values)
    return hi, lo

h, l = swap_min_max(xs)
print(h, l)
try:
    p, q = [1, 2, 3]
except ValueError as e:
    print(e)
try:
    p, q, r = [1, 2]
except ValueError as e:
    print(e)
