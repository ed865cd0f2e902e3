import re
template = 'Hello {name}, you owe {amount} to {creditor}. {missing}!'
values = {'name': 'Ann', 'amount': '$5', 'creditor': 'Bob'}
print(re.sub(r'\{(\w+)\}', lambda m: values.get(m.group(1), m.group(0)), template))
words = re.findall(r"[a-z']+", "It's a truth universally acknowledged, that a single man's fortune...".lower())
print(words, len(words))
counts = {}
for w in re.finditer(r'\w+', 'the cat and the hat and the bat'):
    counts[w.group()] = counts.get(w.group(), 0) + 1
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
print(re.split(r'(?:\r?\n){2,}', 'para one\nline\n\npara two\n\n\npara three'))
print([m.start() for m in re.finditer('aa', 'aaaa')], re.findall(r'\d+(?:\.\d+)?', 'pi 3.14 e 2.718 n 42'))
print(re.match(r'(\w+) (\w+)', 'John Smith').expand(r'\2, \1'), re.sub(r'^', '> ', 'a\nb', flags=re.M))
