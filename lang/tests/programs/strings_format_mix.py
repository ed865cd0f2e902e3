name, score, ratio = "ada", 93, 0.8567
print(f"{name:>10}|{score:05d}|{ratio:.1%}|{ratio:e}")
print("%-8s|%6.2f|%x|%o|%c" % (name, ratio, 255, 8, 65))
print("{:,}".format(1234567), f"{1234567:_}", f"{-42:+d}", f"{42:+d}", f"{3.0:g}", f"{1e20:g}")
print("%(name)s scored %(score)d" % {"name": name, "score": score})
rows = [("apple", 1.5, 3), ("kiwi", 0.25, 12), ("watermelon", 3.0, 1)]
for item, price, qty in rows:
    print(f"{item:<12}{price:>6.2f}{qty:>4}{price * qty:>8.2f}")
print(f"{'centered':^20}|", f"{'x'!r}", f"{{literal}}", f"{3 + 4}", f"{[1, 2]}")
width = 7
print(f"{'dyn':>{width}}", f"{3.14159:.{2}f}")
