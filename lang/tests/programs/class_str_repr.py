class A:
    def __str__(self):
        return "A-str"
    def __repr__(self):
        return "A-repr"

class B:
    def __repr__(self):
        return "B()"

a, b = A(), B()
print(a, b)
print([a, b])
print(str(a), repr(a), str(b))
print(f"{a} {a!r} {b}")
print("%s %r" % (a, a))
print("{} {!r}".format(a, b))
print({"k": a})
