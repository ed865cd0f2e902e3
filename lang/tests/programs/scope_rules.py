x = "global"
def read():
    return x
def shadow():
    x = "local"
    return x
def use_global():
    global x
    x = "changed"
print(read(), shadow(), x)
use_global()
print(x)
def outer():
    y = 1
    def inner():
        nonlocal y
        y += 1
        return y
    inner(); inner()
    return y
print(outer())
def unbound():
    try:
        print(z)
        z = 1
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
unbound()
try:
    print(undefined_name)
except NameError as e:
    print(e)
