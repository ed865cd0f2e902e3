# cmath against CPython for finite arguments: roots, exponentials, logarithms, trigonometry.
import cmath
for z in [1 + 1j, -4, 2.5, -1 - 3j, 0.5j, 1e-3 + 2j, 3 - 0.25j, complex(0.8, 0.5)]:
    print(z, cmath.sqrt(z), cmath.exp(z), cmath.log(z), cmath.log10(z), cmath.phase(z), cmath.polar(z))
    print(cmath.sin(z), cmath.cos(z), cmath.tan(z), cmath.sinh(z), cmath.cosh(z), cmath.tanh(z))
print(cmath.rect(2, cmath.pi / 2), cmath.log(8, 2), cmath.isclose(1 + 1j, 1 + 1.0000000001j), cmath.sqrt(-1))
print(cmath.pi, cmath.e, cmath.inf, cmath.infj, cmath.isinf(cmath.infj), cmath.isnan(cmath.nanj), cmath.isfinite(1j))
# Mandelbrot membership with complex arithmetic.
rows = []
for y in range(-5, 6):
    row = ""
    for x in range(-20, 8):
        c = complex(x / 10, y / 5)
        z = 0j
        for _ in range(30):
            z = z * z + c
            if abs(z) > 2:
                row += " "
                break
        else:
            row += "#"
    rows.append(row.rstrip())
print("\n".join(rows))
# A discrete Fourier transform of a short signal.
signal = [0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0, -1.0]
n = len(signal)
spectrum = [sum(signal[k] * cmath.exp(-2j * cmath.pi * k * f / n) for k in range(n)) for f in range(n)]
print([round(abs(s), 6) for s in spectrum])
for bad in [lambda: cmath.sqrt("1"), lambda: cmath.log(0)]:
    try:
        bad()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
