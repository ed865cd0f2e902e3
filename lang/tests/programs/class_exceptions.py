class AppError(Exception):
    pass

class NotFound(AppError):
    def __init__(self, what):
        super().__init__(f"{what} not found")
        self.what = what

class Invalid(AppError, ):
    def __str__(self):
        return "invalid!"

def lookup(key):
    if key == "x":
        raise NotFound(key)
    if key == "y":
        raise Invalid("y")
    return key.upper()

for k in ["a", "x", "y"]:
    try:
        print(lookup(k))
    except NotFound as e:
        print("NotFound:", e, e.what, e.args)
    except AppError as e:
        print("AppError:", e, type(e).__name__, repr(e))

try:
    raise AppError("plain", 2)
except Exception as e:
    print(e, e.args, isinstance(e, AppError))
