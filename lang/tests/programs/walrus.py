# Assignment expressions: in conditions, loops, comprehensions, nested functions.
import re

data = [3, 8, 1, 9, 4]
if (n := len(data)) > 3:
    print('long', n)
print(n)

def chunks(items):
    out = []
    it = iter(items)
    while (x := next(it, None)) is not None:
        out.append(x * 2)
    return out, x
print(chunks([1, 2, 3]))

def firsts(words):
    return [m.group(1) for w in words if (m := re.match(r'(\w)\w*', w))], m
print(firsts(['apple', '!', 'berry']))

def total(xs):
    running = 0
    return [running := running + x for x in xs], running
print(total([1, 2, 3, 4]))

def outer():
    def inner():
        return (k := 10) + k
    r = inner()
    return r, 'k' in dir() if False else None
print(outer())

values = {k: (sq := k * k) for k in range(4)}
print(values, sq)
print([y := 5, y ** 2])
def capture():
    fs = []
    for i in range(3):
        if (j := i * 10) >= 0:
            fs.append(lambda: j)
    return [f() for f in fs]
print(capture())
total_len = 0
for line in ['ab', 'cde', '']:
    if (size := len(line)):
        total_len += size
print(total_len, size)
