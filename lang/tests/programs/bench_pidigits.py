# Digits of pi with the spigot algorithm on big ints (benchmarks-game style), written anew.
def pi_digits(n):
    q, r, t, k, m, x = 1, 0, 1, 1, 3, 3
    out = []
    while len(out) < n:
        if 4 * q + r - t < m * t:
            out.append(m)
            q, r, m = 10 * q, 10 * (r - m * t), (10 * (3 * q + r)) // t - 10 * m
        else:
            q, r, t, k, m, x = q * k, (2 * q + r) * x, t * x, k + 1, (q * (7 * k + 2) + r * x) // (t * x), x + 2
    return out
digits = pi_digits(120)
for i in range(0, 120, 10):
    print(''.join(map(str, digits[i:i + 10])) + '\t:%d' % (i + 10))
