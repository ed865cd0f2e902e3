s = "  Hello, World  "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()), s.strip().lower(), s.upper())
t = "hello world python"
print(t.title(), t.capitalize(), t.swapcase(), t.split(), t.split(" ", 1), t.rsplit(" ", 1))
print(t.find("o"), t.rfind("o"), t.index("world"), t.count("o"), t.replace("o", "0", 2))
print(t.startswith("hell"), t.endswith(("py", "on")), t.partition(" "), t.rpartition(" "))
print("abc".isalpha(), "123".isdigit(), "a1".isalnum(), "   ".isspace(), "ABC".isupper(), "abc".islower())
print("42".zfill(5), "-42".zfill(5), "x".center(5, "*"), "x".ljust(3, "."), "x".rjust(3))
print("a,b,,c".split(","), "line1\nline2\n".splitlines(), "::".join(["a", "b"]))
print("xxhixx".strip("x"), "prefix_name".removeprefix("prefix_"), "file.txt".removesuffix(".txt"))
print("Hello".casefold(), "hello world".istitle(), "Hello World".istitle(), "snake_case".isidentifier())
print("{0}-{1}-{0}".format("a", "b"), "{name}={value:.2f}".format(name="pi", value=3.14159))
print("{:>6}|{:<6}|{:^6}".format("r", "l", "c"), "{0[1]}".format([7, 8]))
