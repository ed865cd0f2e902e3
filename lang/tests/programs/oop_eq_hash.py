class P:
    def __init__(self, x):
        self.x = x
    def __eq__(self, other):
        return isinstance(other, P) and self.x == other.x

a, b = P(1), P(1)
print(a == b, a != b, a is b, [a].count(b), b in [a])
try:
    {a}
except TypeError as e:
    print("TypeError:", e)

class H:
    def __init__(self, k):
        self.k = k
    def __eq__(self, other):
        return self.k == other.k
    def __hash__(self):
        return hash(self.k)
print(len({H(1), H(1), H(2)}), H(3) in {H(3)}, {H("a"): 1}[H("a")])
class Plain:
    pass
p = Plain()
print({p: 1}[p], p == p, p != Plain())
