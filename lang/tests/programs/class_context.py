class Tracker:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, kind, value, tb):
        print("exit", self.name, kind.__name__ if kind else None, value)
        return self.swallow

with Tracker("a") as x:
    print("inside", x)

with Tracker("b", swallow=True):
    raise ValueError("boom")
print("after b")

try:
    with Tracker("c"):
        raise KeyError("c")
except KeyError as e:
    print("propagated", e)

def early():
    with Tracker("d"):
        return "returned"
print(early())

for i in range(3):
    with Tracker(f"loop{i}"):
        if i == 1:
            continue
        if i == 2:
            break
        print("body", i)

with Tracker("outer") as o, Tracker("inner") as i:
    print(o, i)
