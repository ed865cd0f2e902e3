def bubble(xs):
    xs = list(xs)
    for i in range(len(xs)):
        for j in range(len(xs) - 1 - i):
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
    return xs

def quick(xs):
    if len(xs) <= 1:
        return xs
    pivot, *rest = xs
    return quick([x for x in rest if x < pivot]) + [pivot] + quick([x for x in rest if x >= pivot])

def merge(xs):
    if len(xs) <= 1:
        return xs
    mid = len(xs) // 2
    left, right = merge(xs[:mid]), merge(xs[mid:])
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i]); i += 1
        else:
            out.append(right[j]); j += 1
    return out + left[i:] + right[j:]

def insertion(xs):
    xs = xs[:]
    for i in range(1, len(xs)):
        key = xs[i]
        j = i - 1
        while j >= 0 and xs[j] > key:
            xs[j + 1] = xs[j]
            j -= 1
        xs[j + 1] = key
    return xs

seed = 12345
data = []
for _ in range(200):
    seed = (seed * 1103515245 + 12345) % (2 ** 31)
    data.append(seed % 1000)
expected = sorted(data)
for sort in (bubble, quick, merge, insertion):
    print(sort.__name__, sort(data) == expected, sort(data)[:5])
