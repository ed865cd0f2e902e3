# bytearray: construction, mutation, slices, operators and methods, as CPython's.
a = bytearray()
print(a, len(a), bool(a), type(a).__name__, isinstance(a, bytearray), isinstance(a, bytes))
b = bytearray(b"hello")
print(b, repr(b), str(b), list(b), b[0], b[-1], b[1:3], type(b[1:3]).__name__)
print(bytearray(5), bytearray([65, 66, 67]), bytearray("héllo", "utf-8"), bytearray(range(3)))
print(bytearray(b"x") == b"x", b"x" == bytearray(b"x"), bytearray(b"a") < b"b", b"ab" in bytearray(b"cabd"))
print(98 in bytearray(b"abc"), bytearray(b"ab") + b"cd", b"ab" + bytearray(b"cd"), type(b"ab" + bytearray(b"cd")).__name__)
print(bytearray(b"ab") * 3, 2 * bytearray(b"xy"))
b.append(33)
b.extend(b" world")
b.extend([46, 46])
b.insert(0, 62)
print(b, len(b))
print(b.pop(), b.pop(0), b)
b[0] = 72
b[1:3] = b"EL"
b[-1:] = bytearray(b"D!!")
print(b)
del b[0]
del b[1:3]
print(b)
b.remove(ord("w"))
b.reverse()
print(b)
c = b.copy()
c.clear()
print(c, b)
b += b"xyz"
print(b)
b *= 2
print(b)
s = bytearray(b"  Mixed Case  ")
print(s.strip(), s.upper(), s.lower(), s.split(), s.replace(b"Case", b"bytes"), type(s.upper()).__name__)
print(s.find(b"C"), s.count(b" "), s.startswith(b"  M"), s.decode(), s.hex(), bytearray.fromhex("de ad be ef"))
print(bytearray(b"a,b,c").split(b","), bytearray(b"-").join([b"a", bytearray(b"b")]), bytes(bytearray(b"q")))
t = bytearray(b"abcdef")
t[::2] = b"XYZ"
print(t, t[::-1], t[::2])
del t[::2]
print(t)
for x in bytearray(b"hi"):
    print(x)
sieve = bytearray([1]) * 30
sieve[0] = sieve[1] = 0
for i in range(2, 6):
    if sieve[i]:
        sieve[i * i::i] = bytearray(len(range(i * i, 30, i)))
print([i for i, v in enumerate(sieve) if v])
try:
    hash(bytearray())
except TypeError as e:
    print("TypeError", e)
try:
    bytearray(b"a")[5]
except IndexError as e:
    print("IndexError", e)
try:
    bytearray(b"a")[0] = 256
except ValueError as e:
    print("ValueError", e)
try:
    bytearray(b"a").append("x")
except TypeError as e:
    print("TypeError", e)
try:
    bytearray("abc")
except TypeError as e:
    print("TypeError", e)
try:
    bytearray(b"abc").remove(120)
except ValueError as e:
    print("ValueError", e)
try:
    bytearray().pop()
except IndexError as e:
    print("IndexError", e)
try:
    {bytearray(b"k"): 1}
except TypeError as e:
    print("TypeError", e)
print(sorted(bytearray(b"cab")), max(bytearray(b"cab")), sum(bytearray(b"\x01\x02")))
d = bytearray(b"abc")
e = d
e[0] = 122
print(d, d is e, d == bytearray(b"zbc"), d != b"zbc")
print(bytearray(b"abc").index(b"c"), bytearray(b"AbC").isalpha(), bytearray(b"12").isdigit())
print(bytearray(b"x").ljust(3, b"."), bytearray(b"a b").center(5, b"*"))
print(bytes(3), bytes(bytearray(b"ab")) == b"ab", bytearray(bytearray(b"ab")))
print(b"%s" % bytearray(b"ok") if False else "", bytearray(b"abc")[1], bytearray(b"\x00\xff"))
