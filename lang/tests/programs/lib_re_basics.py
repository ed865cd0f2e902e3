import re
text = 'Contact: alice@example.com, bob.smith@mail.org; phone 555-1234 or 555-9876.'
print(re.findall(r'[\w.]+@[\w.]+\w', text))
print(re.findall(r'(\d{3})-(\d{4})', text))
m = re.search(r'(?P<user>[\w.]+)@(?P<host>[\w.]+)', text)
print(m.group(), m.group('user'), m.group(2), m.groups(), m.groupdict(), m.span(), m.start('host'), m.end(1))
print(m, m.lastindex, m.lastgroup, m[0], m['host'])
print(re.match(r'\w+', text).group(), re.match(r'\d', text), re.fullmatch(r'\d{3}-\d{4}', '555-1234') is not None)
print(re.sub(r'\d', '#', text))
print(re.sub(r'(\w+)@(\w+)', r'\2 at \1', 'x@y and p@q'), re.sub(r'(?P<a>\d+)', r'<\g<a>>', 'a1b22'))
print(re.subn(r'\s+', ' ', 'a   b \t c\n d'), re.sub('a', lambda m: m.group().upper(), 'banana', count=2))
print(re.split(r'[,;]\s*', 'a, b;c,  d'), re.split(r'(\d)', 'a1b2c'), re.split(r'\s', 'a b c', maxsplit=1))
print([m.span() for m in re.finditer(r'o', 'foo boo')], re.findall(r'x*', 'axbxx'), re.sub(r'x*', '-', 'abxd'))
print(re.escape('1+1=2? (yes) [a-z]*'), re.compile(r'ab+c', re.I), re.compile('x').pattern, re.compile('x', re.M | re.S).flags)
