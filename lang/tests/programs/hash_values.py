print(hash(0), hash(1), hash(-1), hash(-2), hash(2**61 - 1), hash(2**61), hash(-(2**61)))
print(hash(1.0), hash(0.5), hash(-0.5), hash(1e100), hash(float("inf")), hash(3.14))
print(hash(()), hash((1,)), hash((1, 2, 3)), hash(((1, 2), (3, 4))), hash((True, False)))
print(hash(10**20) == hash(10**20 % (2**61 - 1)), hash(2.0) == hash(2))
d = {}
for k in [(0, 1), 2.5, 10**30, -7, (1, (2, 3))]:
    d[k] = str(k)
print(d)
