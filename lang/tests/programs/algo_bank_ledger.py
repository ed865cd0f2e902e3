class InsufficientFunds(Exception):
    def __init__(self, account, needed):
        super().__init__('account %s needs %d more' % (account, needed))
        self.account = account
        self.needed = needed
class Ledger:
    def __init__(self):
        self.balances = {}
        self.journal = []
    def deposit(self, acct, amount):
        self.balances[acct] = self.balances.get(acct, 0) + amount
        self.journal.append(('dep', acct, amount))
    def transfer(self, src, dst, amount):
        have = self.balances.get(src, 0)
        if have < amount:
            raise InsufficientFunds(src, amount - have)
        self.balances[src] = have - amount
        self.balances[dst] = self.balances.get(dst, 0) + amount
        self.journal.append(('xfer', src, dst, amount))
l = Ledger()
l.deposit('a', 100)
l.deposit('b', 20)
for src, dst, amt in [('a', 'b', 30), ('b', 'c', 60), ('b', 'c', 50), ('c', 'a', 5)]:
    try:
        l.transfer(src, dst, amt)
    except InsufficientFunds as e:
        print('refused:', e, e.needed)
print(sorted(l.balances.items()), len(l.journal), sum(l.balances.values()))
