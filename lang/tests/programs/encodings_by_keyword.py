# Encodings by keyword: str(), bytes(), bytearray(), decode and encode, and their TypeErrors.
print(str(b"x", encoding="utf-8"), str(b"\xff", "ascii", errors="replace"), str(bytearray(b"ok"), errors="strict"))
print(bytes("y", encoding="utf-8"), bytearray("z", encoding="ascii", errors="strict"), bytes("é", "ascii", errors="ignore"))
print(b"a".decode(encoding="ascii"), "q".encode(encoding="utf-8"), "é".encode("ascii", errors="replace"))
for bad in [lambda: bytes("a", 1), lambda: bytearray("a", "utf-8", 1), lambda: bytes("a", "utf-8", encoding="utf-8"),
            lambda: str(encoding="utf-8"), lambda: bytes(1, encoding="utf-8"), lambda: str(1, encoding="utf-8")]:
    try:
        print(bad())
    except TypeError as e:
        print("TypeError", e)
for bad in [lambda: bytes(encoding="utf-8"), lambda: bytearray(errors="strict")]:
    try:
        print(bad())
    except TypeError as e:
        print("TypeError", e)
