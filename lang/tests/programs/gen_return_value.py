def inner():
    yield 1
    yield 2
    return "inner done"

def outer():
    result = yield from inner()
    yield f"got {result}"

print(list(outer()))
def gen_with_return():
    yield 1
    return 5
g = gen_with_return()
print(next(g))
try:
    next(g)
except StopIteration as e:
    print("StopIteration", e.args)
