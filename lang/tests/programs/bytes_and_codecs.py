# bytes methods (ASCII-only classes and case, ASCII whitespace, bytes line breaks), and
# str.encode / bytes.decode with their codecs, error handlers and messages.
b = b"  Hello, World\t\x85\xa0x \r\n line2\rline3\n"
print(b.split(), b.rsplit(None, 1), b.split(b","), b.split(b"l", 2), b.rsplit(b"l", 1))
print(b.strip(), b.lstrip(), b.rstrip(), b.strip(b" \n"), b.splitlines(), b.splitlines(True))
print(b.find(b"o"), b.rfind(b"o"), b.index(b"W"), b.count(b"l"), b.count(b"l", 5, 12), b.find(b"zz"))
print(b.replace(b"l", b"L"), b.replace(b"l", b"", 2), b.partition(b","), b.rpartition(b"l"), b.partition(b"#"))
print(b.startswith(b"  H"), b.endswith((b"x", b"\n")), b.startswith(b"H", 2), b"abc".center(9, b"*"), b"ab".ljust(5), b"ab".rjust(5, b"0"), b"-12".zfill(6))
print(b"ABC def \xe9".upper(), b"ABC def \xe9".lower(), b"aBc".swapcase(), b"hELLO wORLD".capitalize(), b"a\tb".expandtabs(4))
print(b"123".isdigit(), b"".isdigit(), b"abc".isalpha(), b"ab1".isalnum(), b" \t".isspace(), b"AB1".isupper(), b"ab".islower(), b"\x80".isascii(), b"".isascii())
print(b"-".join([b"a", b"b", b"c"]), b"".join([]), b"x".removeprefix(b"x"), b"xy".removesuffix(b"y"))
print(b"caf\xc3\xa9".decode(), b"caf\xc3\xa9".decode("latin-1"), b"abc".decode("ascii"), b"\xff\xfeok".decode("utf-8", "replace"), b"\xff\xfeok".decode("utf-8", "ignore"), b"a\x80".decode("ascii", "replace"))
for bad, enc in ((b"\xff", "utf-8"), (b"ab\xc3", "utf-8"), (b"\xe0\x80\x80", "utf-8"), (b"ok\xc3(", "utf-8"), (b"a\x80", "ascii")):
    try:
        bad.decode(enc)
    except UnicodeDecodeError as e:
        print("UnicodeDecodeError", e)
for call in (lambda: b"a".split("a"), lambda: b"a".find("a"), lambda: b"a".startswith("a"), lambda: b"-".join(["a"]), lambda: b"a".decode("nope"), lambda: b"a".replace("a", "b")):
    try:
        call()
    except (TypeError, LookupError) as e:
        print(type(e).__name__, e)
print("\xe9".encode("latin-1"))
print("\xe9".encode())
for t, enc, err in (("é€", "ascii", "strict"), ("a€b", "latin-1", "strict"), ("a😀", "ascii", "strict"), ("aé€", "ascii", "replace"), ("aé€", "latin-1", "ignore")):
    try:
        print(t.encode(enc, err))
    except UnicodeEncodeError as e:
        print("UnicodeEncodeError", e)
for b in (b'\xf0\x9f\x98', b'a\xe2\x82', b'\xf0\x9f\x98a', b'\xed\xa0\x80', b'\xf4\x90\x80\x80', b'\xc0\xaf', b'\xff', b'ab\xc3'):
    try: b.decode()
    except UnicodeDecodeError as e: print(e)
    print(b.decode("utf-8", "replace"), b.decode("utf-8", "ignore"))
s = "abcabcabc"
print(s.find("c", 3, 5), s.find("c", 3, 6), s.count("abc", 1), s.count("abc", 0, -1), s.rfind("a", 0, 4), s.find("", 9), s.find("", 10), s.count("", 4), s.count("", 10), s.index("b", -5, -1))
try:
    s.index("a", 10)
except ValueError as e:
    print("ValueError", e)
