s = "hello"
t = s + ", " + "world"
print(t, len(t), t[0], t[-1])
print(repr(t), repr("it's"), repr('say "hi"'), repr("tab\there"))
print("-".join(["a", "b", "c"]), "".join([]))
print("abc" * 3, "Mixed".upper(), "Mixed".lower(), "  pad  ".strip())
print("ell" in s, "xyz" in s, s == "hello", s < "help", "b" > "a")
words = []
for c in "stream":
    words.append(c)
print(words, str(12), str(1.5), str(None), str(True))
