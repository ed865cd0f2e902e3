def risky():
    try:
        1 / 0
    except ZeroDivisionError:
        return int("not a number")

try:
    risky()
except ValueError as e:
    print("second error:", e)

def nested_handlers(v):
    try:
        try:
            return [1, 2][v]
        except IndexError:
            raise LookupError(f"index {v}")
    except LookupError as e:
        return f"lookup: {e}"

print(nested_handlers(0), nested_handlers(5))
try:
    raise TypeError
except TypeError as e:
    print(repr(e), str(e) == "")
