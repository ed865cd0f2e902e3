def numbers():
    yield 1
    yield int("two")

def total():
    return sum(numbers())

print("begin")
print(total())
