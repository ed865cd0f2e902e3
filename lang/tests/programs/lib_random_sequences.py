import random
for seed in [0, 1, 42, 123456789, 2**40 + 5, -7]:
    random.seed(seed)
    print(seed, [random.random() for _ in range(3)])
    print([random.randint(1, 6) for _ in range(10)], [random.randrange(100) for _ in range(5)], random.randrange(10, 1000, 25))
    print(random.getrandbits(1), random.getrandbits(16), random.getrandbits(32), random.getrandbits(33), random.getrandbits(100))
    print(random.uniform(-5, 5), random.choice(['rock', 'paper', 'scissors']), random.choice(range(1000)))
