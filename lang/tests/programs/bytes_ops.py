b = b"hello world"
print(b, len(b), b[0], b[-1], b[:5], b[6:])
print(b + b"!", b * 2, b"wor" in b, 104 in b)
print(list(b"abc"), bytes([72, 105]), bytes(3))
print(b.decode(), "héllo".encode(), "héllo".encode().decode())
print(b.hex(), b == b"hello world", b"a" < b"b")
for x in b"hi":
    print(x)
print(repr(b"quote's"), repr(b"\x00\xff\n"))
