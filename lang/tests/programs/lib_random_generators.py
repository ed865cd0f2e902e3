import random
def password(rng, n):
    alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
    return ''.join(rng.choice(alphabet) for _ in range(n))
rng = random.Random(31337)
print([password(rng, 10) for _ in range(3)])
def reservoir(rng, stream, k):
    out = []
    for i, x in enumerate(stream):
        if i < k:
            out.append(x)
        else:
            j = rng.randrange(i + 1)
            if j < k:
                out[j] = x
    return out
print(reservoir(random.Random(4), range(1000), 5))
maze_rng = random.Random(8)
w = h = 6
walls = {(x, y): maze_rng.random() < 0.3 for x in range(w) for y in range(h)}
print(''.join('#' if walls[(x, y)] else '.' for y in range(h) for x in range(w)))
r2 = random.Random()
r2.seed(12)
print(r2.random(), random.Random(12).random())
print(random.Random(0).getrandbits(64), random.Random(2**31).randint(0, 2**40))
