import re
checks = {
    'email': re.compile(r'[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'),
    'ipv4': re.compile(r'(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})'),
    'hex': re.compile(r'#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})'),
    'date': re.compile(r'(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])'),
}
samples = ['a.b@c.io', 'bad@', '192.168.0.1', '999.1.1', '#fff', '#12345g', '2024-02-30', '2024-13-01', 'x@y.museum']
for s in samples:
    hits = [name for name, p in checks.items() if p.fullmatch(s)]
    print(s, hits)
m = checks['ipv4'].fullmatch('10.0.255.7')
print([int(x) for x in m.groups()], all(0 <= int(x) <= 255 for x in m.groups()))
print(re.sub(r'(\d{3})(\d{3})(\d{4})', r'(\1) \2-\3', '5551234567'), re.sub(r'\s{2,}', ' ', 'too    many   spaces'))
print(re.findall(r'\b[A-Z][a-z]+\b', 'Alice met Bob and CAROL in Paris'), re.sub(r'([a-z])([A-Z])', r'\1_\2', 'camelCaseName').lower())
