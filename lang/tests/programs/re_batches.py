# re's scans across many matches (the host hands them over in batches): findall, finditer,
# sub/subn with counts, split with maxsplit, empty matches, non-ASCII text, callables.
import re

text = ' '.join('w%d é€ %d' % (i, i * 7) for i in range(3000))
print(len(re.findall(r'\d+', text)), re.findall(r'\d+', text)[-3:])
print(len(re.findall(r'(w)(\d)', text)), re.findall(r'(w)(\d)(x)?', text)[:2])
print(sum(1 for _ in re.finditer(r'€', text)), [m.span() for m in re.finditer(r'é', text)][-2:])
print(re.subn(r'\d', '#', text)[1], re.sub(r'\d', '', text)[-40:])
print(re.sub(r'(\d+)', r'<\1>', text, count=5)[:80])
print(re.sub(r'\d+', lambda m: str(int(m.group()) * 2), text, count=4)[:60])
print(re.subn(r'w', 'W', text, count=2500)[1], re.subn(r'w', 'W', text, count=-1)[1])
print(len(re.split(r'\s+', text)), [part[:12] for part in re.split(r'(é)', text, maxsplit=3)], re.split(r'x', 'axbxc', maxsplit=-1))
print(re.findall(r'', 'héllo'), re.sub(r'x*', '-', 'abxd'), re.split(r'\b', 'hi there'))
print([m.group() for m in re.finditer(r'a|x*', 'aabab' * 20)][-10:])
p = re.compile(r'\d')
print(p.findall('a1b22c333', 2, 7), [m.span() for m in p.finditer('a1b22c333', 3)], [m.pos for m in p.finditer('a1b2', 1)])
print(re.findall(r'(\w)(\d)?', 'a1 b c3'))
