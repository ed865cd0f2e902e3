# Iterators that ran out stay done; a set changed while iterated; re clamps pos/endpos;
# object() sentinels.
import re
d = {1: 1}
it = iter(d)
print(list(it))
d[2] = 2
print(list(it))
s = {3, 1, 2}
it = iter(s)
next(it)
s.add(10)
try:
    print(sorted(it))
except RuntimeError as e:
    print('RuntimeError', e)
p = re.compile('b')
m = p.search('abc', -5)
print(m.pos, m.endpos, m.span())
m = p.search('abcabc', 2, 100)
print(m.pos, m.endpos, m.span())
print(p.search('abc', 10), p.match('abc', 1, 0))
m = re.compile('').match('abc', 7)
print(m and (m.pos, m.endpos, m.span()))

MISSING = object()
def get(d, k, default=MISSING):
    v = d.get(k, MISSING)
    if v is MISSING:
        return 'missing' if default is MISSING else default
    return v
print(get({1: 2}, 1), get({}, 1), get({}, 1, 0), MISSING is MISSING, MISSING == object(), type(MISSING).__name__)
print(repr(MISSING)[:17], isinstance(MISSING, object), {MISSING: 1}[MISSING], len({object(), object()}))
try:
    MISSING.x = 1
except AttributeError as e:
    print('AttributeError', e)
