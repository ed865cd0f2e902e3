class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting
    def greet(self, name):
        return f"{self.greeting}, {name}"

g = Greeter("hi")
f = g.greet
print(f("bob"), f.__name__, f.__self__ is g)
handlers = [Greeter("hey").greet, Greeter("yo").greet]
print([h("x") for h in handlers])
unbound = Greeter.greet
print(unbound(g, "direct"))
print(list(map(g.greet, ["a", "b"])))
append = [].append
items = []
add = items.append
add(1); add(2)
print(items)
