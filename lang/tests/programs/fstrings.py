name = "world"
n = 42
x = 3.14159
print(f"hello {name}!", f"{n}", f"{n:5d}|", f"{n:<5}|", f"{n:^7}|", f"{-n:05}")
print(f"{x:.2f} {x:8.3f} {x:e} {x:.1%} {1234567.891:,.2f} {x!r} {name!r} {name:>8}")
print(f"{0.1 + 0.2} {1e16} {2.0} {1/3:.3} {12345.678:g} {0.00001234:g} {255:#x} {5:b}")
print(f"{'nested'} {[1, 2]} {(1,)} {None} {True} {n + 1} {n * 2:+d} {-0.0}")
w = 10
print(f"{x:{w}.{2}f}|", format(n, "08b"), format(x, ".3"), format("ab", "*^6"))
table = [("apples", 3, 1.5), ("kiwis", 12, 0.25)]

for t in table:
    print(f"{t[0]:<10}{t[1]:>4}{t[2]:>8.2f}")
