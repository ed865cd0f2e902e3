import random
random.seed(65537)
print([random.random() for _ in range(5)])
print([random.randint(-50, 50) for _ in range(8)], random.randrange(1, 10**12))
xs = list(range(15))
random.shuffle(xs)
print(xs, random.sample(xs, 4), random.choice(xs))
print(random.choices('ACGT', k=12), random.gauss(100, 15), random.uniform(2.5, 2.6))
print(random.getrandbits(48), random.getrandbits(128), random.expovariate(0.5))
