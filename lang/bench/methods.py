class Particle:
    def __init__(self, x, v):
        self.x = x
        self.v = v
    def step(self, dt):
        self.x += self.v * dt
        if self.x < 0 or self.x > 100:
            self.v = -self.v
    def energy(self):
        return 0.5 * self.v * self.v

ps = [Particle(i * 1.0, (i % 7) - 3.0) for i in range(100)]
for _ in range(2000):
    for p in ps:
        p.step(0.1)
print(round(sum(p.energy() for p in ps), 3), round(sum(p.x for p in ps), 3))
