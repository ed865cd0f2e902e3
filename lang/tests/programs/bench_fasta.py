# FASTA generation with the benchmarks-game LCG (written for the corpus).
IM, IA, IC = 139968, 3877, 29573
seed = [42]
def rand(maxv):
    seed[0] = (seed[0] * IA + IC) % IM
    return maxv * seed[0] / IM
alu = 'GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGGGAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGACCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAATACAAAAATTAGCCGGG'
iub = [('a', 0.27), ('c', 0.12), ('g', 0.12), ('t', 0.27), ('B', 0.02), ('D', 0.02), ('H', 0.02), ('K', 0.02), ('M', 0.02), ('N', 0.02), ('R', 0.02), ('S', 0.02), ('V', 0.02), ('W', 0.02), ('Y', 0.02)]
def repeat_fasta(src, n):
    out = []
    width = 60
    s = src * (n // len(src) + 2)
    for i in range(0, n, width):
        out.append(s[i % len(src):i % len(src) + min(width, n - i)])
    return out
def random_fasta(table, n):
    cum = []
    p = 0.0
    for ch, prob in table:
        p += prob
        cum.append((p, ch))
    out = []
    for i in range(0, n, 60):
        line = []
        for _ in range(min(60, n - i)):
            r = rand(1.0)
            for cp, ch in cum:
                if r < cp:
                    line.append(ch)
                    break
            else:
                line.append(cum[-1][1])
        out.append(''.join(line))
    return out
print('>ONE Homo sapiens alu')
print('\n'.join(repeat_fasta(alu, 300)))
print('>TWO IUB ambiguity codes')
print('\n'.join(random_fasta(iub, 400)))
