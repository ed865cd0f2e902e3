name = "widget"
count = 7
price = 3.14159
print("%s x%d at %.2f" % (name, count, price))
print("%5d|%-5d|%05d|%+d" % (42, 42, 42, 42))
print("%8.3f|%-8.2f|%e|%g" % (price, price, 12345.678, 0.0001))
print("%r %s %x %o %%" % ("q", None, 255, 8))
print("single %s" % "value", "%d%%" % 50)
print("{} has {} items".format(name, count))
print("{0} {1} {0}".format("a", "b"), "{:>8}|{:<6}|{:^7}".format("r", "l", "c"))
print("{:.3f} {:,} {!r} {{literal}}".format(price, 1234567, name))
print(isinstance(3, int), isinstance(True, int), isinstance(3.0, int), isinstance("s", (int, str)))
print(isinstance([1], list), isinstance({}, dict), isinstance((1,), tuple), isinstance(1.5, float))
try:
    raise KeyError("k")
except Exception as e:
    print(isinstance(e, LookupError), isinstance(e, ValueError))
try:
    "%d" % "x"
except TypeError as e:
    print("TypeError:", e)
try:
    "%s %s" % ("only one",)
except TypeError as e:
    print("TypeError:", e)
print(dict([("a", 1), ("b", 2)]), dict(), tuple([1, 2]), tuple("ab"), dict(zip("xy", (1, 2))), dict({"ab": 1}))
