import re
print(re.findall(r'^\w+', 'one two\nthree four\nfive', re.M), re.findall(r'^\w+', 'one two\nthree'))
print(re.findall(r'hello', 'Hello HELLO hello', re.I), re.search(r'a.c', 'a\nc'), re.search(r'a.c', 'a\nc', re.S).group() == 'a\nc')
pattern = re.compile(r'''
    (?P<year>\d{4})   # year
    -(?P<month>\d\d)  # month
    -(?P<day>\d\d)    # day
''', re.VERBOSE)
m = pattern.search('released 2023-07-14, patched 2024-01-02')
print(m.groupdict(), [x.group('year') for x in pattern.finditer('2023-07-14 2024-01-02')])
print(re.findall(r'(?i)abc', 'ABC abc aBc'), re.sub(r'(?m)$', ';', 'a\nb'))
p = re.compile(r'\bcat\b')
print(p.search('concat cat'), p.findall('cat catalog bobcat cat'), p.sub('dog', 'cat scat cat'))
print(re.search(r'\d+', 'abc 123 def 45', ).group(), re.compile(r'\d+').search('abc 123 def 45', 8).group(), re.compile(r'\d+').match('123abc', 1).group())
print(re.compile(r'\d+').fullmatch('12345', 0, 3).group(), re.compile('a|b').groups, re.compile(r'(a)(?P<n>b)').groupindex)
