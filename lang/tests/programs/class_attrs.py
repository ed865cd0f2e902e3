class Counter:
    count = 0
    def __init__(self):
        Counter.count += 1
        self.id = Counter.count

class Registry:
    items = []
    def add(self, x):
        self.items.append(x)
        return self

for _ in range(3):
    Counter()
print(Counter.count, Counter().id)
r1, r2 = Registry(), Registry()
r1.add(1).add(2)
r2.add(3)
print(Registry.items, r1.items is r2.items)

class Config:
    defaults = {"a": 1}
    def __init__(self, **overrides):
        self.values = dict(self.defaults)
        self.values.update(overrides)
    def get(self, key):
        return self.values.get(key, "?")

c = Config(b=2)
print(c.get("a"), c.get("b"), c.get("c"), Config.defaults)
