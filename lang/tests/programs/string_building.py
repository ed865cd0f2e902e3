parts = []
for i in range(10):
    parts.append(str(i * i))
print(",".join(parts))
s = ""
for ch in "abc":
    s += ch * 3
print(s)
table = "\n".join(" ".join(f"{r * c:3d}" for c in range(1, 6)) for r in range(1, 6))
print(table)
print("=" * 20)
line = "-".join(["x"] * 5)
print(line, line.count("-"), line.split("-", 2))
print(" ".join(reversed("hello world".split())), "abc"[::-1] + "def")
