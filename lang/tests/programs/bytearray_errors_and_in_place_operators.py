# bytearray's errors (CPython's types and messages), in-place operators, aliasing, json.
def attempt(label, f):
    try:
        print(label, "->", repr(f()))
    except Exception as e:
        print(label, "->", type(e).__name__, e)
def setitem(b, i, v):
    b[i] = v
def setslice(b, s, v):
    b[s] = v
def delitem(b, i):
    del b[i]
attempt(1, lambda: bytearray(b"a").extend(5))
attempt(2, lambda: bytearray(b"a").extend("ab"))
attempt(3, lambda: bytearray(b"a").extend([1, "x"]))
attempt(4, lambda: bytearray(b"a").extend([300]))
attempt(5, lambda: bytearray(b"a").pop(10))
attempt(6, lambda: bytearray(b"a").insert(10, 256))
attempt(7, lambda: bytearray(b"a").remove(300))
attempt(8, lambda: bytearray(b"a").remove("a"))
attempt(9, lambda: setslice(bytearray(b"abc"), slice(1, 2), 5))
attempt(10, lambda: setslice(bytearray(b"abc"), slice(None, None, 2), b"x"))
attempt(11, lambda: setslice(bytearray(b"abc"), slice(0, 1), "x"))
attempt(12, lambda: bytearray(b"abc")["x"])
attempt(13, lambda: bytearray(-1))
attempt(14, lambda: bytes(-1))
attempt(15, lambda: bytearray(b"x", "utf-8"))
attempt(16, lambda: bytearray(3.0))
attempt(17, lambda: bytes(3.0))
attempt(18, lambda: bytearray([300]))
attempt(19, lambda: bytes([300]))
attempt(20, lambda: bytearray(["a"]))
attempt(21, lambda: delitem(bytearray(b"abc"), 5))
attempt(22, lambda: bytearray(b"a") + "x")
attempt(23, lambda: bytearray(b"a") + [1])
attempt(24, lambda: bytearray(b"a").index(b"z"))
attempt(25, lambda: setitem(bytearray(b"abc"), 0, "x"))
attempt(26, lambda: setitem(bytearray(b"abc"), 0, 1.0))
attempt(27, lambda: bytearray(b"a") < "b")
attempt(28, lambda: setitem(bytearray(b"abc"), "x", 1))
attempt(29, lambda: bytearray("x", "nope"))
attempt(30, lambda: bytearray.fromhex("zz"))
attempt(31, lambda: bytearray(b"a").append())
attempt(32, lambda: b"a" + "x")
attempt(33, lambda: bytearray("é", "latin-1"))
attempt(34, lambda: bytes("é", "ascii", "replace"))
attempt(35, lambda: bytearray(x * 2 for x in range(4)))
attempt(36, lambda: bytearray(b"abc").__len__())
attempt(37, lambda: bytearray(b"abc").__getitem__(0))
attempt(38, lambda: bytearray(b"ab") == "ab")
attempt(39, lambda: ord(bytearray(b"A")))
attempt(40, lambda: str(bytearray(b"ab"), "ascii"))
b = bytearray(b"abc"); b += b"d"; b += bytearray(b"e")
try:
    b += [1]
except TypeError as e:
    print("iadd", e)
try:
    b += "x"
except TypeError as e:
    print("iadd", e)
c = b
b *= 2
print(b, c is b)
b *= 0
print(b, c)
m = [bytearray(b"x")]
n = m[0]
n.extend(b"yz")
print(m, bytearray(b"q") in [b"q"], b"q" in [bytearray(b"q")])
print(type(iter(bytearray())).__name__, bytearray.__name__, isinstance(bytearray(), (bytes, bytearray)))
import json
try:
    json.dumps(bytearray(b"x"))
except TypeError as e:
    print("json", e)
print(list(reversed(bytearray(b"abc"))), bytearray(b"abc")[::-1], bytearray(b"aXbXc").split(b"X", 1))
print(bytearray(b"abc").partition(b"b"), bytearray(b"a b").rsplit(), bytearray(b"x\ny").splitlines())
