def outer(x):
    def middle(y):
        def inner(z):
            return x + y + z
        return inner
    return middle

print(outer(1)(2)(3))

def counter_factory():
    counts = {}
    def hit(key):
        counts[key] = counts.get(key, 0) + 1
        return counts[key]
    def report():
        return sorted(counts.items())
    return hit, report

hit, report = counter_factory()
for k in "abacab":
    hit(k)
print(report())

def make_multipliers():
    result = []
    for i in range(1, 4):
        def mul(x, i=i):
            return x * i
        result.append(mul)
    return result
print([m(10) for m in make_multipliers()])

def late_binding():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return [f() for f in fs]
print(late_binding())
