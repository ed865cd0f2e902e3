log = []
def source():
    for i in range(5):
        log.append(f"produce {i}")
        yield i

def double(xs):
    for x in xs:
        log.append(f"double {x}")
        yield x * 2

pipeline = double(source())
print(log)
print(next(pipeline), log)
print(list(pipeline))
print(len(log))
lazy = (x for x in source() if x % 2)
print(next(lazy), next(lazy))
z = zip(source(), "ab")
print(list(z))
e = enumerate(double([10, 20]))
print(next(e), list(e))
m = map(lambda x: x + 1, source())
print(next(m), sum(m))
