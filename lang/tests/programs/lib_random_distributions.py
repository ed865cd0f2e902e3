import random
random.seed(7)
print([random.gauss(0, 1) for _ in range(4)])
print([random.gauss(10, 2) for _ in range(3)])
print([random.normalvariate(0, 1) for _ in range(3)])
print([random.expovariate(1.5) for _ in range(3)])
print([random.triangular(0, 10, 3) for _ in range(3)], random.triangular())
print(random.lognormvariate(0, 0.5), random.paretovariate(3), random.weibullvariate(1, 1.5))
rng = random.Random(5)
walk = 0
for _ in range(1000):
    walk += rng.choice((-1, 1))
print(walk)
hits = sum(1 for _ in range(20000) if rng.random() ** 2 + rng.random() ** 2 <= 1)
print(4 * hits / 20000)
