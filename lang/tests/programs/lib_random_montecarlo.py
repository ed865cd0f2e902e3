import random
def simulate(seed, trials):
    rng = random.Random(seed)
    wins = 0
    for _ in range(trials):
        doors = [0, 0, 0]
        doors[rng.randrange(3)] = 1
        pick = rng.randrange(3)
        opened = next(d for d in range(3) if d != pick and doors[d] == 0)
        switched = next(d for d in range(3) if d != pick and d != opened)
        wins += doors[switched]
    return wins
print(simulate(1, 3000), simulate(2, 3000))
rng = random.Random(11)
counts = [0] * 6
for _ in range(6000):
    counts[rng.randint(1, 6) - 1] += 1
print(counts)
birthdays = 0
for _ in range(500):
    days = [rng.randrange(365) for _ in range(23)]
    if len(set(days)) < 23:
        birthdays += 1
print(birthdays)
