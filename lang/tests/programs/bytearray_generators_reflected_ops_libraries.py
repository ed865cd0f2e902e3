# bytearray edge cases: a generator changing the bytearray during slice assignment, reflected
# operators under +=, clamped slice bounds, empty extended-slice assignment, library modules.
b = bytearray(b"abcdefgh")
def g():
    b.clear()
    yield 1
    yield 2
b[2:6] = g()
print(b)
c = bytearray(b"abcdef")
def h():
    c.clear()
    yield from [1, 2, 3]
try:
    c[::2] = h()
except ValueError as e:
    print("ValueError", e)
keep = bytearray(b"KEEP")
class S:
    def __radd__(s, o):
        return keep
class R:
    def __radd__(s, o):
        return 42
d = bytearray(b"a")
d += S()
print(d, keep)
d = bytearray(b"a")
d += R()
print(d)
e = bytearray(b"abcdefgh")
e[10**20:] = b"XY"
e[True:True] = b"<>"
print(e)
f = bytearray(b"abcdef")
try:
    f[::10**20] = b"XYZ"
except ValueError as x:
    print("ValueError", x)
f[::2] = b""
print(f, repr(bytearray(b"it's")), bytearray(b'"q"'))
import hashlib, base64, binascii, json, struct
print(hashlib.sha256(bytearray(b"a")).hexdigest()[:16], base64.b64encode(bytearray(b"hi")), binascii.hexlify(bytearray(b"\x01")))
print(json.loads(bytearray(b'{"a": 1}')), struct.pack("3s", bytearray(b"ab")), bytearray(x for x in range(3)))
class It:
    def __iter__(self):
        print("iter called")
        return iter([1, 2])
print(bytearray(It()), bytes(It()))
