class Countdown:
    def __init__(self, start):
        self.current = start
    def __iter__(self):
        return self
    def __next__(self):
        if self.current <= 0:
            raise StopIteration
        self.current -= 1
        return self.current + 1

print(list(Countdown(5)))
for x in Countdown(3):
    print("tick", x)
print(sum(Countdown(10)), max(Countdown(4)))

class Tree:
    def __init__(self, value, children=()):
        self.value = value
        self.children = list(children)
    def __iter__(self):
        yield self.value
        for child in self.children:
            yield from child

t = Tree(1, [Tree(2, [Tree(3)]), Tree(4)])
print(list(t), [v * 10 for v in t])
it = iter(Countdown(2))
print(next(it), next(it), next(it, "done"))
