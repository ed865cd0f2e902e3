# An exception class with its own __init__ keeps its call's positional arguments as args (and
# message) whether or not __init__ passes them on; OSError(errno, ...) is the errno's subclass.


class NoSuper(Exception):
    def __init__(self, x, y=0):
        self.x = x
        self.y = y


class OtherArgs(Exception):
    def __init__(self, code, text):
        super().__init__(text)
        self.code = code


class NoArgsToSuper(ValueError):
    def __init__(self, *parts):
        super().__init__()
        self.parts = parts


e = NoSuper(5, y=7)
print(e.args, str(e), repr(e), e.x, e.y)
try:
    raise NoSuper("boom")
except NoSuper as err:
    print("caught", err, err.args)
o = OtherArgs(404, "missing")
print(o.args, str(o), o.code)
n = NoArgsToSuper(1, 2)
print(n.args, repr(str(n)), n.parts)
print(NoSuper(1, 2).args)

for errno in [1, 2, 3, 4, 10, 11, 13, 17, 20, 21, 32, 103, 104, 110, 111, 999]:
    e = OSError(errno, "text")
    print(errno, type(e).__name__, e.errno, e.strerror, isinstance(e, OSError))
print(type(OSError(2)).__name__, type(OSError("2", "x")).__name__)
print(type(FileExistsError(2, "x")).__name__)
f = OSError(2, "No such file or directory", "data.txt")
print(str(f), f.filename)
try:
    raise OSError(2, "No such file or directory", "data.txt")
except FileNotFoundError as err:
    print("FileNotFoundError caught:", err)

print(type(object()) is object, type(object()).__name__, isinstance(object(), object))
