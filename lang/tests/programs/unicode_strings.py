s = "naïve café ☕ 日本"
print(s, len(s), s.upper(), s[6:10], s[-2:], s[::-1])
print([c for c in "héllo"], "é" in s, s.find("☕"), s.index("日"))
print(ord("é"), chr(233), "\u00e9" == "é", "\N{BLACK STAR}" if False else "★")
print(repr("tab\there"), repr("new\nline"), repr("back\\slash"), repr("\x07"))
print("é".encode(), len("é".encode()), "ab".encode().decode())
words = "один два три".split()
print(words, sorted(words), "-".join(words))
print(f"{'ü':>3}|{'ß':^5}|", "straße".upper(), "ǅ".lower())
