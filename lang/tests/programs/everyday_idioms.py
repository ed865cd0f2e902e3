# Idioms ordinary scripts use: the main guard, printf widths, flush, ascii(), KeyError's
# argument, and a dict or set changed while it is iterated.

if __name__ == '__main__':
    print('main', __name__)

print('%5s|%-5s|%5r|%5s|%.2s|%6.2s|' % ('x', 'y', 'z', 5, 'abcdef', 'abcdef'))
print('%3c|%-3c|' % ('a', 98))
print('[%8s]' % None, '[%-8r]' % 'q')
print('flushed', 1, sep='-', flush=True)
print(ascii('héllo €uro 😀'), ascii(['é', 1]), '%a' % 'ü', f'{"ß"!a}', '{!a:>10}'.format('ç'))

try:
    {}['missing']
except KeyError as e:
    print(repr(e), e.args, str(e))
d = {'a': 1}
try:
    d.pop('b')
except KeyError as e:
    print(e.args)
try:
    del d['zz']
except KeyError as e:
    print(e.args)
s = {1, 2}
try:
    s.remove(3)
except KeyError as e:
    print(e.args)
try:
    {}[(1, 'x')]
except KeyError as e:
    print(e.args, e)

d = {'a': 1, 'b': 2}
try:
    for k in d:
        d[k + 'x'] = 1
except RuntimeError as e:
    print('RuntimeError', e)
try:
    for k in d.keys():
        del d[k]
except RuntimeError as e:
    print('RuntimeError', e)
try:
    for k, v in d.items():
        d['new' + k] = v
except RuntimeError as e:
    print('RuntimeError', e)
s = {1}
try:
    for k in s:
        s.add(k + 1)
except RuntimeError as e:
    print('RuntimeError', e)
# Rebinding existing keys while iterating is allowed.
d = {'a': 1, 'b': 2}
for k in d:
    d[k] = d[k] * 10
print(d)

# Replacement fields inside a format spec.
print('{:>{w}.{p}f}|'.format(3.14159, w=10, p=2))
print('{:>{}}|{:^{}}|'.format('a', 5, 'b', 7))
print('{0:{1}}|{2:{fill}>6}|'.format(42, 8, 'z', fill='*'))
try:
    '{:>{}}'.format('a')
except IndexError as e:
    print('IndexError', e)
print(''.isascii(), 'abc'.isascii(), 'é'.isascii())

# Slices of step 1 (copied as one run) beside stepped ones.
t = 'aé€😀b' * 3
print(t[2:9], t[-4:], t[:0], t[5:2], t[1:100], t[::2], t[::-3], t[-100:3])
u = 'plain ascii text'
print(u[6:11], u[-4:], u[11:6], [1, 2, 3, 4][1:3], (1, 2, 3)[-2:], b'bytes'[1:4], list(range(10))[3:7])
