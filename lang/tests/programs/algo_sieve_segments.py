def sieve(n):
    flags = [True] * (n + 1)
    flags[0] = flags[1] = False
    i = 2
    while i * i <= n:
        if flags[i]:
            for j in range(i * i, n + 1, i):
                flags[j] = False
        i += 1
    return [i for i, f in enumerate(flags) if f]
ps = sieve(200)
print(len(ps), ps[-5:])
twins = [(a, b) for a, b in zip(ps, ps[1:]) if b - a == 2]
print(twins[:6], len(twins))
def factor(n):
    out = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            out.append(d)
            n //= d
        d += 1
    if n > 1:
        out.append(n)
    return out
print([factor(n) for n in [360, 97, 1001, 2**20 - 1, 600851475143]])
goldbach = {n: next((p, n - p) for p in ps if n - p in set(ps)) for n in range(4, 40, 6)}
print(goldbach)
