def safe_div(a, b):
    try:
        return a / b
    except ZeroDivisionError as e:
        print("caught:", e, repr(e))
        return None
    finally:
        print("finally for", a, b)

print(safe_div(6, 3))
print(safe_div(1, 0))

def lookup(d, k):
    try:
        v = d[k]
    except (IndexError, KeyError) as e:
        print("missing", repr(e))
        v = -1
    else:
        print("found", v)
    return v

print(lookup({"a": 1}, "a"), lookup({"a": 1}, "b"), lookup([1, 2], 5) if False else 0)

def check(n):
    if n < 0:
        raise ValueError("negative: " + str(n))
    return n * 2

for n in [3, -2, 5]:
    try:
        print(check(n))
    except ValueError as e:
        print("error:", e)

try:
    try:
        raise KeyError("inner")
    except KeyError:
        print("handling, then re-raising")
        raise
except LookupError as outer:
    print("outer caught", repr(outer))

count = 0
while True:
    try:
        count += 1
        if count == 3:
            break
        continue
    finally:
        print("loop finally", count)
print("count", count)

def nested():
    try:
        for i in range(5):
            try:
                if i == 2:
                    return i
            finally:
                print("inner finally", i)
    finally:
        print("outer finally")

print(nested())

try:
    assert 1 + 1 == 2, "math"
    assert 1 + 1 == 3, "arithmetic is broken"
except AssertionError as e:
    print("assert:", e)

try:
    [][0]
except Exception as e:
    print("generic:", e)

try:
    undefined_thing
except NameError as e:
    print("name:", e)

try:
    raise RuntimeError
except RuntimeError as e:
    print("bare class:", repr(e))

print(ZeroDivisionError, ValueError == ValueError)
raise ValueError("the end")
