ops = {"inc": lambda x: x + 1, "bad": lambda x: x / 0}
print(ops["inc"](1))
def apply(name, v):
    return ops[name](v)
print(apply("inc", 5))
apply("bad", 5)
