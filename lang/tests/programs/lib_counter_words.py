from collections import Counter
text = """the quick brown fox jumps over the lazy dog the fox barks and the dog runs
a quick end to a lazy day for the fox"""
c = Counter(text.split())
print(c.most_common(5))
print(c['the'], c['missing'], len(c), c.total())
letters = Counter(ch for ch in text if ch.isalpha())
print(letters.most_common(3), sorted(letters)[:5])
c.update(['fox', 'fox', 'new'])
c.subtract({'the': 5})
print(c['fox'], c['the'], c['new'])
print(Counter('abracadabra'))
print(Counter({'x': 3, 'y': -1}), +Counter({'x': 3, 'y': -1}), -Counter({'x': 3, 'y': -1}))
print(Counter(a=3, b=1) + Counter(a=1, b=2), Counter(a=3, b=1) - Counter(a=1, b=2))
print(Counter(a=3, b=1) | Counter(a=1, b=2), Counter(a=3, b=1) & Counter(a=1, b=2))
print(sorted(Counter('hello').elements()), list(Counter('banana').keys()), Counter() == Counter())
