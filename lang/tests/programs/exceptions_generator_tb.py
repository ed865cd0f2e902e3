def produce(n):
    for i in range(n):
        if i == 3:
            raise ValueError(f"bad item {i}")
        yield i

def consume():
    total = 0
    for x in produce(5):
        total += x
    return total

print("start")
consume()
