# Reverse complement and regex-dna variants (benchmarks-game style), written for the corpus.
import re
import random
rng = random.Random(21)
seq = ''.join(rng.choice('acgt') for _ in range(2000))
comp = {'a': 't', 'c': 'g', 'g': 'c', 't': 'a'}
rev = ''.join(comp[c] for c in reversed(seq)).upper()
for i in range(0, 180, 60):
    print(rev[i:i + 60])
variants = ['agggtaaa|tttaccct', '[cgt]gggtaaa|tttaccc[acg]', 'a[act]ggtaaa|tttacc[agt]t', 'ag[act]gtaaa|tttac[agt]ct']
for v in variants:
    print(v, len(re.findall(v, seq)))
subst = {'tHa[Nt]': '<4>', 'aND|caN|Ha[DS]|WaS': '<3>', 'a[NSt]|BY': '<2>'}
s = seq[:300] + 'tHaNtaNDWaS'
for pat, rep in subst.items():
    s = re.sub(pat, rep, s)
print(len(seq), len(s), s[-20:])
