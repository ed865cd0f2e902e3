class Logger:
    def __init__(self, prefix):
        self.prefix = prefix
        self.lines = []
    def log(self, *parts, sep=" ", **meta):
        line = self.prefix + sep.join(str(p) for p in parts)
        if meta:
            line += " " + ",".join(f"{k}={v}" for k, v in sorted(meta.items()))
        self.lines.append(line)
        return self

l = Logger("> ")
l.log("a", 1).log("b", 2, sep="-").log(*["x", "y"], level=3, tag="t")
args = ("via", "star")
kw = {"sep": "_"}
l.log(*args, **kw)
print("\n".join(l.lines))
print("{}-{}".format(*"ab"), "{x}{y}".format(**{"x": 1, "y": 2}), max(*range(5)))
