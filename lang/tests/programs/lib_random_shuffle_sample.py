import random
random.seed(2024)
deck = [r + s for s in 'SHDC' for r in 'A23456789TJQK']
random.shuffle(deck)
print(deck[:13])
print(random.sample(deck, 5), random.sample(range(10**6), 4), random.sample('abcdefghij', 10))
print(random.sample(range(50), 30))
print(random.choices('ab', k=10), random.choices(range(5), weights=[5, 1, 1, 1, 10], k=8))
print(random.choices(['lo', 'mid', 'hi'], cum_weights=[1, 5, 6], k=6))
print(random.sample(['x', 'y', 'z'], k=4, counts=[1, 2, 3]))
r = random.Random(99)
state = r.getstate()
a = [r.random() for _ in range(3)]
r.setstate(state)
b = [r.random() for _ in range(3)]
print(a == b, a)
for bad in [lambda: random.choice([]), lambda: random.sample([1, 2], 3), lambda: random.randrange(5, 5), lambda: random.randint(3, 1)]:
    try:
        bad()
    except (IndexError, ValueError) as e:
        print(type(e).__name__, e)
