def worker(items):
    done = []
    for item in items:
        try:
            if item < 0:
                raise ValueError(f"negative: {item}")
            done.append(item)
        except ValueError:
            print("logging and re-raising")
            raise
    return done

try:
    worker([1, 2, -3, 4])
except ValueError as e:
    print("outer got", e)
print(worker([5, 6]))
try:
    try:
        {}["k"]
    except KeyError as e:
        raise
except LookupError as e:
    print("lookup", repr(e))
