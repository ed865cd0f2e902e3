from collections import Counter
a = Counter(apples=3, pears=2, kiwis=0)
b = Counter(apples=1, pears=5, plums=4)
print(a + b, a - b, b - a, a | b, a & b)
c = a.copy()
c.update(b)
print(c, c.total())
c.subtract(apples=10)
print(c, +c)
print(sorted((a + b).elements())[:6], list(Counter('zzyyyx').most_common()))
print(Counter('abc') == Counter('cba'), Counter(a=1) == Counter(a=1))
s = Counter()
s['x'] += 1
s['y'] -= 2
print(s, len(s), 'z' in s, s['z'], len(s))
