class Money:
    def __init__(self, cents):
        self.cents = cents
    def __add__(self, other):
        if isinstance(other, int):
            return Money(self.cents + other)
        return Money(self.cents + other.cents)
    def __radd__(self, other):
        return self + other
    def __sub__(self, other):
        return Money(self.cents - other.cents)
    def __mul__(self, k):
        return Money(self.cents * k)
    def __truediv__(self, k):
        return Money(self.cents // k)
    def __mod__(self, k):
        return Money(self.cents % k)
    def __lt__(self, other):
        return self.cents < other.cents
    def __repr__(self):
        return f"${self.cents // 100}.{self.cents % 100:02d}"

wallet = [Money(150), Money(275), Money(99)]
print(sum(wallet), sum(wallet, Money(0)), Money(500) - Money(1), Money(333) * 3, Money(1000) / 3)
print(sorted(wallet), min(wallet), max(wallet), Money(505) % 100)
total = Money(0)
for m in wallet:
    total += m
print(total)
