class A:
    def __init__(self):
        self.trail = ["A"]
    def who(self):
        return "A"
    def chain(self):
        return [self.who()]

class B(A):
    def __init__(self):
        super().__init__()
        self.trail.append("B")
    def who(self):
        return "B"
    def chain(self):
        return super().chain() + ["B.chain"]

class C(B):
    def __init__(self):
        super().__init__()
        self.trail.append("C")
    def chain(self):
        return super().chain() + ["C.chain"]

c = C()
print(c.trail, c.who(), c.chain())
print(isinstance(c, A), issubclass(C, A), C.__name__, type(c).__name__)
print(A.who(c), B.who(c))
