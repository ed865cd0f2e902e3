# complex numbers: literals, arithmetic with ints and floats, repr, equality, keys, format.
z = 3 + 4j
w = complex(1, -2)
print(z, w, repr(z), str(w), 2j, -1j, 0j, complex(), complex(0, -1), complex(-0.0, 0))
print(type(z).__name__, isinstance(z, complex), isinstance(1, complex), abs(z), z.real, z.imag, z.conjugate())
print(z + w, z - w, z * w, z / w, z + 1, 1 + z, z * 2.5, 2 / z, -z, +z, z ** 2, z ** -1, z ** 0.5, 2 ** z)
print(z == 3 + 4j, z != w, complex(2, 0) == 2, 2.0 == complex(2), (1 + 0j) in {1: "a"}, {1 + 0j: "x"}[1])
print(hash(2 + 0j) == hash(2), bool(0j), bool(1e-300j), 1j ** 2, (1 + 1j) ** 3, (2 + 3j) ** (1 + 1j))
print(complex("1+2j"), complex(" (3-4.5j) "), complex("2j"), complex("-j"), complex("1e3"), complex("inf-nanj"))
print(complex(1 + 2j, 3 + 4j), complex(2.5), complex(True), complex(10**20), complex(1j))
print(format(z, ".2f"), format(w, "e"), format(z, "^20.3g"), f"{z}", f"{z:>12}", "%s|%r" % (z, w), format(2j, ".1f"))
print(sum([1j, 2, 3.5]), [x * 1j for x in range(3)], sorted([3, 1], key=lambda v: abs(v * 1j)))
print(complex(1e308, 1e308) * 10, complex(float("inf"), 1), complex(float("nan"), 0))
for bad in [lambda: z < w, lambda: z // 2, lambda: z % 2, lambda: 1 / 0j, lambda: int(z), lambda: float(z),
            lambda: complex("1+2k"), lambda: complex("1", 2), lambda: complex(1, "2"), lambda: complex([]),
            lambda: 0j ** -1, lambda: round(z), lambda: z.real.foo, lambda: (10 + 10j) ** 1000,
            lambda: format(z, "010"), lambda: format(z, "=10"), lambda: max(z, w)]:
    try:
        print(bad())
    except Exception as e:
        print(type(e).__name__, e)
import json
try:
    json.dumps(z)
except TypeError as e:
    print(e)
a = [1j, 2j]
b = a[0]
print(b is a[0], 1j.imag, (2j).real, divmod.__name__)
