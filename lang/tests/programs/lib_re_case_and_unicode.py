import re
print(re.findall(r'straße', 'STRASSE straße Straße', re.I), re.search(r'ÄPFEL', 'äpfel', re.I) is not None)
print(re.findall(r'\d', 'x1٢3'), len(re.findall(r'.', 'naïve')), re.sub(r'\W', '_', 'a-b c.d'))
m = re.search(r'(\w+)@(\w+)', 'κόσμε@παράδειγμα')
print(m.groups(), m.span(), m.start(2))
print(re.match(r'[a-z]+', 'abcDEF', re.IGNORECASE).group(), re.fullmatch(r'(?i)[a-f0-9]+', 'DeadBeef') is not None)
print(re.findall(r'^\s*#\s*(\w+)', '# one\n  # two\nnot # three', re.MULTILINE))
