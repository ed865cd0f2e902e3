import random
rng = random.Random(77)
positions = {i: [0] * 4 for i in range(4)}
for _ in range(400):
    deck = [0, 1, 2, 3]
    rng.shuffle(deck)
    for pos, card in enumerate(deck):
        positions[card][pos] += 1
print(positions)
print(sorted(rng.sample(range(20), 20)) == list(range(20)), rng.sample([1, 2, 3], 0))
weights = {'common': 70, 'rare': 25, 'epic': 5}
drops = rng.choices(list(weights), weights=list(weights.values()), k=50)
print({k: drops.count(k) for k in weights})
print(round(sum(rng.uniform(0, 1) for _ in range(1000)) / 1000, 3), rng.randrange(-10, 10, 3))
