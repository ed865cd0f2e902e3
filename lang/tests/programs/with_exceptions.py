class Resource:
    opened = []
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        Resource.opened.append(self.name)
        return self
    def __exit__(self, exc_type, exc, tb):
        Resource.opened.remove(self.name)
        if exc_type is KeyError:
            print("suppressing", exc)
            return True
        return False

def use(fail):
    with Resource("db") as r:
        with Resource("file"):
            print("open:", Resource.opened)
            if fail == "key":
                raise KeyError("missing")
            if fail == "value":
                raise ValueError("bad")
    return "ok"

print(use(None), Resource.opened)
print(use("key"), Resource.opened)
try:
    use("value")
except ValueError as e:
    print("escaped", e, Resource.opened)
