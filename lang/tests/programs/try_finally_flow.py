def f(x):
    try:
        if x == 1:
            return "early"
        if x == 2:
            raise ValueError("two")
        result = "normal"
    except ValueError:
        result = "handled"
    finally:
        print("finally for", x)
    return result

print(f(1), f(2), f(3))

def g():
    for i in range(3):
        try:
            if i == 1:
                continue
            print("body", i)
        finally:
            print("cleanup", i)
    return "done"
print(g())

def h():
    try:
        try:
            raise KeyError("deep")
        finally:
            print("inner finally")
    except KeyError as e:
        print("outer caught", e)
    finally:
        print("outer finally")
h()

def override():
    try:
        return 1
    finally:
        print("finally runs before return")
print(override())
