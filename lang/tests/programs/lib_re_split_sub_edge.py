import re
print(re.split(r',', 'a,b,,c,'), re.split(r',+', ',a,,b,'), re.split(r'(,)', 'a,b'), re.split(r'x*', 'axbc'), re.split(r'', 'abc'))
print(re.sub(r'a|b', 'X', 'abcab', count=3), re.sub(r'', '-', 'abc'), re.sub(r'(a)|b', r'[\1]', 'ab'), re.subn(r'\d+', '#', 'a1b22c333'))
print(re.findall(r'(a)(b)?', 'ab a'), re.findall(r'a|(b)', 'ab'), re.findall(r'\w+', 'héllo wörld 42'), re.findall(r'[à-ü]+', 'façade über'))
print(re.sub(r'\\', '/', r'C:\dir\file'), re.escape('a.b*c'), re.findall(re.escape('1+1'), '1+1=2, 1+1'))
p = re.compile(r'(?P<k>\w+)=(?P<v>[^;]*)')
print(dict(p.findall('a=1;b=;c=three')), [m.group('v') or '<empty>' for m in p.finditer('a=1;b=;c=three')])
print(p.sub(lambda m: m.group('k').upper() + ':' + m.group('v'), 'x=1;y=2'), p.sub(r'\g<v>=\g<k>', 'x=1;y=2'))
