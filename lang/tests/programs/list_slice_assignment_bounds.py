# List slice assignment: the value is collected before the bounds are taken (a generator that
# changes the list), clamped huge and bool bounds, huge steps, extended slices and deletion.
items = list(range(8))
def shrink():
    items.clear()
    yield 1
    yield 2
items[2:6] = shrink()
print(items)
x = [0, 1, 2]
x[10**20:] = [9]
x[True:True] = ["t"]
x[-10**20:0] = ["s"]
print(x)
y = list(range(6))
try:
    y[::10**20] = [7, 8]
except ValueError as e:
    print("ValueError", e)
y[::10**20] = ["a"]
y[::-2] = "xyz"
del y[1::2]
print(y)
z = list(range(10))
z[2:8:3] = (None, None)
z[7:2] = ["in"]
del z[::-3]
print(z)
try:
    z["a":] = []
except TypeError as e:
    print("TypeError", e)
