calls = []

def log(fn):
    def wrapper(*args, **kwargs):
        calls.append(fn.__name__)
        return fn(*args, **kwargs)
    return wrapper

def repeat(n):
    def deco(fn):
        def wrapper(*args):
            return [fn(*args) for _ in range(n)]
        return wrapper
    return deco

@log
def add(a, b):
    return a + b

@repeat(3)
def hello(name):
    return "hi " + name

@log
@repeat(2)
def twice(x):
    return x * 2

print(add(1, 2), hello("bob"), twice(5))
print(calls)

def register(registry):
    def deco(fn):
        registry[fn.__name__] = fn
        return fn
    return deco

handlers = {}
@register(handlers)
def on_start():
    return "started"
@register(handlers)
def on_stop():
    return "stopped"
print(sorted(handlers), handlers["on_stop"]())

def singleton(cls):
    instances = {}
    def get():
        if cls not in instances:
            instances[cls] = cls()
        return instances[cls]
    return get

@singleton
class Db:
    pass
print(Db() is Db())
