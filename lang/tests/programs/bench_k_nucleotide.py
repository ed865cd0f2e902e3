# k-nucleotide frequencies (benchmarks-game style) over a generated sequence, with Counter.
from collections import Counter
import random
rng = random.Random(3)
seq = ''.join(rng.choice('ACGT') for _ in range(3000))
def freqs(k):
    return Counter(seq[i:i + k] for i in range(len(seq) - k + 1))
for k in (1, 2):
    total = len(seq) - k + 1
    for frag, n in sorted(freqs(k).items(), key=lambda kv: (-kv[1], kv[0])):
        print('%s %.3f' % (frag, 100.0 * n / total))
    print()
for frag in ['GGT', 'GGTA', 'GGTATT', 'GGTATTTTAATT']:
    print('%d\t%s' % (freqs(len(frag))[frag], frag))
