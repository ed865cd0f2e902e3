TRANSITIONS = {
    ("idle", "coin"): "ready",
    ("ready", "push"): "vending",
    ("vending", "done"): "idle",
    ("ready", "refund"): "idle",
}

class Machine:
    def __init__(self):
        self.state = "idle"
        self.trace = [self.state]
    def fire(self, event):
        key = (self.state, event)
        if key not in TRANSITIONS:
            raise RuntimeError(f"no transition from {self.state} on {event}")
        self.state = TRANSITIONS[key]
        self.trace.append(self.state)
        return self

m = Machine()
m.fire("coin").fire("push").fire("done").fire("coin").fire("refund")
print(" -> ".join(m.trace))
try:
    m.fire("push")
except RuntimeError as e:
    print(e)
