class InsufficientFunds(Exception):
    pass

class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []
    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))
    def withdraw(self, amount):
        if amount > self.balance:
            raise InsufficientFunds(f"{self.owner} has {self.balance}, needs {amount}")
        self.balance -= amount
        self.history.append(("withdraw", amount))
    def __repr__(self):
        return f"<{self.owner}: {self.balance}>"

def transfer(src, dst, amount):
    src.withdraw(amount)
    dst.deposit(amount)

alice, bob = Account("alice", 100), Account("bob")
transfer(alice, bob, 30)
for amount in [50, 40, -5]:
    try:
        if amount < 0:
            bob.deposit(amount)
        transfer(alice, bob, amount)
    except InsufficientFunds as e:
        print("refused:", e)
    except ValueError as e:
        print("invalid:", e)
print(alice, bob, alice.history, bob.history)
