def average(xs):
    return sum(xs) / len(xs)

def report(groups):
    for name, xs in groups.items():
        print(name, average(xs))

report({"a": [1, 2, 3], "b": [4]})
report({"c": []})
