# Mandelbrot set as text (benchmarks-game style), written for the corpus.
def mandel(w, h, iters=50):
    rows = []
    for y in range(h):
        ci = 2.0 * y / h - 1.0
        row = []
        for x in range(w):
            cr = 2.5 * x / w - 2.0
            zr = zi = 0.0
            n = 0
            while n < iters and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                n += 1
            row.append('#' if n == iters else ' .:-=+*%@'[n % 9])
        rows.append(''.join(row))
    return rows
for line in mandel(60, 24):
    print(line)
