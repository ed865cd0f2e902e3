import re
for bad in [r'(abc', r'[a-', r'a{2,1}', r'*a', r'a)']:
    try:
        re.compile(bad)
        print('compiled', bad)
    except re.error as e:
        print('error for', repr(bad))
m = re.match(r'(a)(b)?', 'a')
print(m.groups(), m.groups('-'), m.group(2), m.span(2), m.groupdict())
try:
    m.group(5)
except IndexError as e:
    print('IndexError', e)
print(re.search('x', 'abc'), bool(re.search('b', 'abc')), re.findall('z', 'abc'), re.split('z', 'abc'))
print(re.sub('(b)', r'[\1]', 'abcb'), re.compile('b').subn('B', 'abcb', 1))
p = re.compile(r'(\w)(\d)?')
print([m.groups() for m in p.finditer('a1bc3')], p.findall('a1bc3'))
print(re.findall(r'\s*', 'a b'), re.split(r' ', 'hi there'))
