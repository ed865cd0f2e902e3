from collections import Counter
import re
text = '''Call me Ishmael. Some years ago - never mind how long precisely - having little or no money
in my purse, and nothing particular to interest me on shore, I thought I would sail about a little
and see the watery part of the world.'''
words = re.findall(r"[a-z']+", text.lower())
c = Counter(words)
print(c.most_common(6))
print(sum(c.values()), len(c), c['little'], c['whale'])
lengths = Counter(len(w) for w in words)
print(sorted(lengths.items()))
first = Counter(w[0] for w in words)
print(first.most_common(3), (first - Counter('aaa')).most_common(2))
