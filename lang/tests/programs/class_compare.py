class Version:
    def __init__(self, text):
        self.parts = tuple(int(p) for p in text.split("."))
    def __lt__(self, other):
        return self.parts < other.parts
    def __le__(self, other):
        return self.parts <= other.parts
    def __eq__(self, other):
        return self.parts == other.parts
    def __hash__(self):
        return hash(self.parts)
    def __repr__(self):
        return "v" + ".".join(map(str, self.parts))

vs = [Version(t) for t in ["1.10.0", "1.2.3", "1.2.10", "0.9"]]
print(sorted(vs))
print(min(vs), max(vs))
print(Version("1.0") < Version("1.1"), Version("2.0") > Version("1.1"), Version("1.0") >= Version("1.0"))
seen = {Version("1.0"): "first"}
seen[Version("1.0")] = "again"
print(len(seen), seen[Version("1.0")])
print(Version("3.1") in [Version("3.1"), Version("3.2")])
print(len({Version("1.1"), Version("1.1"), Version("1.2")}))
