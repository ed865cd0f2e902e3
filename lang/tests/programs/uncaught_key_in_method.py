class Cache:
    def __init__(self):
        self.data = {"a": 1}
    def get(self, key):
        return self.data[key]

c = Cache()
print(c.get("a"))
print(c.get("missing"))
