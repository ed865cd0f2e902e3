# bytearray copies (copy module), bytes/bytearray translate, maketrans and title.
import copy
b = bytearray(b"abc")
bytearray.append(b, 100)
b.__setitem__(0, 65)
print(b, "%s" % b, f"{b}", f"{b!r}", b"-".join([b, b"z"]), type(b"-".join([b])).__name__)
c = copy.copy(b); d = copy.deepcopy([b])
c[0] = 0; d[0][1] = 0
print(b, c, d, b * -1, sorted(b), b == b.copy(), b is b.copy())
try:
    bytearray(10**12)
except MemoryError:
    print("MemoryError")
try:
    bytearray(b"\xff").decode()
except UnicodeDecodeError as e:
    print(e)
print(bytearray(b"abc").hex(":"), bytearray(b"x").zfill(3), bytearray(b"ab").endswith((b"b", b"c")))
print(bytearray(b"hello world").title() if hasattr(b"", "title") else bytearray(b"hello").capitalize())
print(bytearray(b"a") + bytearray(b"b"), bytearray(3) == bytes(3), bytes(bytearray(2)), list(bytearray(b"\x01\x02")))
print(bytearray(b"abc").count(98), bytearray(b"abc").find(99), bytearray(b"abcabc").rfind(b"bc"), bytearray(b"abc").replace(b"b", b""))
x = bytearray(b"12345")
x[1:4] = []
print(x, bytearray(b"abc").translate(None, b"b") if hasattr(b"", "translate") else "")
y = bytearray(b"0123456789")
del y[::3]
y[:0] = b"<"
y[len(y):] = b">"
print(y, y.isdigit(), bytearray(b"ab").isalpha())
print(dict.fromkeys([1]), {bytes(bytearray(b"k")): 1}, max(bytearray(b"az")), min(bytearray(b"az")))
print(bytearray(b"a\x00b").split(b"\x00"), bytearray(b"a").__class__.__name__)
t = bytes.maketrans(b"abc", b"xyz")
print(len(t), b"aabbcc".translate(t), bytearray(b"abcd").translate(t, b"d"), bytearray.maketrans(b"a", b"b")[97])
print(b"hello wORLD 1a".title(), bytearray(b"x").title(), b"abc".translate(None, b"b"))
for bad in [lambda: b"a".translate(b"x"), lambda: bytes.maketrans(b"a", b"bc"), lambda: b"a".translate("x")]:
    try:
        bad()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
