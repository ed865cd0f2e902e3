for text in ["42", "-17", "  7  ", "1_000_000", "0"]:
    print(repr(text), int(text))
for text, base in [("ff", 16), ("777", 8), ("1010", 2), ("z", 36), ("0x10", 0), ("0o17", 0), ("0b11", 0)]:
    print(text, base, int(text, base))
for bad in ["", "1.5", "abc", "--1"]:
    try:
        int(bad)
    except ValueError as e:
        print(e)
print(str(255), hex(255), oct(255), bin(255), int(3.99), int(-3.99), float("3.5"), float("-1e-3"))
print(str(True), int(True), float(False), str(None), str(3.0), str(1e21), str(1.23e-7))
