log = []
def f():
    try:
        log.append("try")
        return "from try"
    finally:
        log.append("finally")

def g():
    for i in range(5):
        try:
            if i == 2:
                return i
        finally:
            log.append(f"g{i}")

def h():
    try:
        raise ValueError("x")
    except ValueError:
        log.append("except")
        return "handled"
    finally:
        log.append("h-finally")

print(f(), g(), h())
print(log)
