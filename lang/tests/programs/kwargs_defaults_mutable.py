def append_to(item, target=[]):
    target.append(item)
    return target
print(append_to(1), append_to(2), append_to(3, []))
def safe_append(item, target=None):
    if target is None:
        target = []
    target.append(item)
    return target
print(safe_append(1), safe_append(2))
def describe(name, *, greeting="hello", punct="!"):
    return f"{greeting} {name}{punct}"
print(describe("a"), describe("b", punct="?"), describe(greeting="hi", name="c"))
def collect(**fields):
    return ", ".join(f"{k}={v!r}" for k, v in fields.items())
print(collect(a=1, b="two", c=[3]))
