s = '  Hello, World!  '
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()), s.lower(), s.upper(), s.swapcase())
print('hello world'.title(), 'hello'.capitalize(), 'a,b,,c'.split(','), 'a b  c'.split(), 'a,b,c'.rsplit(',', 1))
print('hello'.find('l'), 'hello'.rfind('l'), 'hello'.index('e'), 'hello'.count('l'), 'hello'.startswith(('he', 'x')), 'hello'.endswith('lo'))
print('abc'.center(9, '*'), 'abc'.ljust(6, '.'), 'abc'.rjust(6), '42'.zfill(5), '-42'.zfill(5), 'x'.join(['1', '2', '3']))
print('key=value=x'.partition('='), 'key=value=x'.rpartition('='), 'a-b-c'.replace('-', '+', 1), 'prefix_name'.removeprefix('prefix_'), 'file.py'.removesuffix('.py'))
print('123'.isdigit(), 'abc'.isalpha(), 'abc123'.isalnum(), '   '.isspace(), 'ABC'.isupper(), 'abc'.islower(), 'Title Case'.istitle(), 'var_1'.isidentifier())
print('line1\nline2\r\nline3'.splitlines(), '{} + {} = {}'.format(1, 2, 3), '{name}:{0}'.format(5, name='n'), 'a\tb'.expandtabs(4))
print('%s is %d years and %.2f m' % ('Al', 30, 1.756), '%x %o %e' % (255, 8, 12345.678))
