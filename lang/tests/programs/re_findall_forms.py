# re.findall (built in Rust): whole matches, one group, several groups, empty matches, pos/endpos
# clamping, non-ASCII text.
import re
text = 'héllo wörld 12 ab3 — ünïcode 456 x7 ' * 3
print(re.findall(r'\w+', text))
print(re.findall(r'(\w)(\d)', text))
print(re.findall(r'(\d+)', text))
print(re.findall(r'(a)|(b)', 'abcab'))
print(re.findall(r'', 'abc'))
print(re.findall(r'x*', 'axxb'))
print(re.compile(r'\d').findall('a1b2c3', 2, 5))
print(re.compile(r'\d').findall('a1b2c3', -3, 100))
print(re.findall(r'(?P<n>\d)(?:x)?', '1x2y3'))
try:
    re.findall(r'\d', 5)
except TypeError as e:
    print('TypeError', e)
print(re.findall(r'\b\w', 'The quick brown'))
