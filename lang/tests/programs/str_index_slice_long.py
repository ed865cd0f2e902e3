# Indexing and slicing long strs, ASCII and not, while new strs take freed slots (the VM keeps
# the last long str's character count).
s = 'ab' * 200 + 'é' + 'cd' * 200
t = 'x' * 300
for i in (0, 1, 399, 400, 401, 800, -1, -402):
    print(i, s[i], s[i:i + 3], t[i % 300])
u = s
s = s + 'z'
print(len(s), s[-1], s[400], u[-1], len(u))
parts = [('é' * 300)[i:i + 2] for i in range(0, 300, 50)]
print(parts, ('é' * 300)[299], ('a' * 299 + 'é')[299])
for k in range(5):
    v = ('q' * 300 + str(k) * 5)
    print(v[300:], v[-1], len(v))
try:
    t[300]
except IndexError as e:
    print('IndexError', e)
