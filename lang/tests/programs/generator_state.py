def stateful():
    state = {"calls": 0}
    while True:
        cmd = yield state["calls"]
        state["calls"] += 1
        if cmd == "stop":
            return
g = stateful()
print(next(g), g.send("go"), g.send("go"))
try:
    g.send("stop")
except StopIteration:
    print("stopped")
print(list(g))

def window(xs, n):
    buf = []
    for x in xs:
        buf.append(x)
        if len(buf) > n:
            buf.pop(0)
        if len(buf) == n:
            yield tuple(buf)
print(list(window(range(6), 3)))
