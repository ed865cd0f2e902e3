# random: _randbelow and random() draw in Rust (CPython's sequences for every seed, across
# regenerations, past 2**63 in Python), a subclass's own getrandbits still used.
import random
for seed in (0, 1, 12345, 2**40 + 7):
    r = random.Random(seed)
    print([r.random() for _ in range(3)])
    print([r.randrange(10) for _ in range(10)], r.randrange(2**62), r.randrange(2**63), r.randrange(2**63 + 5), r.randrange(2**70))
    print([r.randint(1, 6) for _ in range(10)], r.choice('ACGT' * 3), r.randrange(1), r.randrange(3, 100, 7))
    xs = list(range(20)); r.shuffle(xs); print(xs)
    print(r.sample(range(1000), 5), r.choices('abc', k=5), r.getrandbits(70), r.uniform(1, 2), r.gauss(0, 1))
    for _ in range(700):
        r.random()
    print(r.randrange(1000000), r.random())
class Mine(random.Random):
    def getrandbits(self, k):
        return 1
m = Mine(3)
print([m.randrange(10) for _ in range(3)])
random.seed(9)
print(random.random(), random.randint(0, 10**6), random.choice([1, 2, 3]))
st = random.getstate(); a = random.random(); random.setstate(st); print(a == random.random())
class Patched(random.Random):
    pass
Patched.getrandbits = lambda self, k: 0
print([Patched(1).randrange(100) for _ in range(3)])
class Quiet(random.Random):
    def __init_subclass__(cls, **kw):
        pass
class Zero(Quiet):
    def getrandbits(self, k):
        return 0
print([Zero(1).randrange(100) for _ in range(3)], Zero(2).choice('xyz'))
