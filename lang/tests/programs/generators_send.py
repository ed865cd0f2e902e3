def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value

acc = accumulator()
print(next(acc))
print(acc.send(5))
print(acc.send(10))
print(acc.send(-3))
try:
    acc.send(None)
except StopIteration:
    print("stopped")

def echo():
    received = []
    try:
        while True:
            received.append((yield len(received)))
    finally:
        print("cleanup", received)

e = echo()
next(e)
e.send("a")
e.send("b")
e.close()
print("closed")

def guarded():
    try:
        yield 1
        yield 2
    except ValueError as err:
        print("caught inside", err)
        yield "recovered"
g = guarded()
print(next(g), g.throw(ValueError("bad")))
try:
    g.throw(KeyError("k"))
except KeyError as err:
    print("propagated", err)
print(list(g))
