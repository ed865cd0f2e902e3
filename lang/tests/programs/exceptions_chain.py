def parse_int(text):
    try:
        return int(text)
    except ValueError as e:
        raise RuntimeError(f"cannot parse {text!r}") from e

try:
    parse_int("12x")
except RuntimeError as e:
    print(e, type(e.__cause__).__name__)

def risky(n):
    try:
        if n == 0:
            raise ZeroDivisionError("zero")
        if n == 1:
            raise KeyError("one")
        return 10 // n
    except ZeroDivisionError:
        return "div"
    except LookupError as e:
        return f"lookup {e}"
    else:
        return "no error"
    finally:
        print("finally", n)

print(risky(0), risky(1), risky(5))
errors = []
for value in ["1", "x", None, "3"]:
    try:
        errors.append(int(value) * 2)
    except (TypeError, ValueError) as e:
        errors.append(type(e).__name__)
print(errors)
try:
    try:
        raise ValueError("inner")
    except ValueError:
        raise KeyError("outer")
except KeyError as e:
    print("outer caught", e)
