# string.Template and string.Formatter: substitution, escapes, errors with positions, custom
# delimiters, Formatter.parse's tuples and errors, vformat's numbering rules, nested specs,
# field lookups, and a Formatter subclass; str.startswith/endswith bounds, splitlines(keepends)
# on every CPython line boundary, isprintable and repr of non-printable characters.
import string

t = string.Template('$who likes ${what}; $$5 costs $$$amount')
print(t.substitute(who='tim', what='kung pao', amount=7))
print(t.substitute({'who': 'ann', 'what': 'tea'}, amount=3))
print(t.safe_substitute(who='tim'))
print(t.get_identifiers(), t.is_valid(), t.template)
for bad in ['$who $', 'line one\nand $ two', '${bad name}', '$1x']:
    b = string.Template(bad)
    print(repr(b.safe_substitute(who='w')), b.is_valid())
    try:
        b.substitute(who='w')
    except ValueError as e:
        print('ValueError:', e)
try:
    string.Template('$who and $missing').substitute(who='x')
except KeyError as e:
    print('KeyError:', e)


class Percent(string.Template):
    delimiter = '%'


print(Percent('%name is %{age}%% sure, %%').substitute(name='Bo', age=30))


class Dollars(string.Template):
    delimiter = '$$'


print(Dollars('$$a and $$$$ and $b').safe_substitute(a=1))

F = string.Formatter()
for fmt in ['a{0}b{x!r:>5}c{{d}}', '{}{}', '', 'abc', 'x{a.b[0]:{w}}y', '{0!x}', '{!r}', '{0:{1:{2}}}',
            '}}{{', 'tail {']:
    try:
        print(repr(fmt), list(F.parse(fmt)))
    except ValueError as e:
        print(repr(fmt), 'ValueError:', e)
for bad in ['}', 'a{0!}', '{0:', '{0', 'a{0!r', '{0!rr}', '{a{b}c}', '{0[}']:
    try:
        print(list(F.parse(bad)))
    except ValueError as e:
        print(repr(bad), 'ValueError:', e)


class P:
    def __init__(self):
        self.real = 1.5
        self.items = {'k': [10, 20]}


print(F.format('{0} {name} {0!r:>6} {x[1]} {p.real} {p.items[k][1]}', 'a', name='n', x=[1, 2], p=P()))
print(F.format('{} {}', 1, 2), F.format('{:{w}.{p}f}|', 3.14159, w=10, p=2), F.format('{0:^{1}}', 'mid', 9))
print(F.vformat('{a}-{b}', (), {'a': 1, 'b': 2}))
for fmt, args in [('{} {0}', (1,)), ('{0} {}', (1, 2)), ('{0!x}', (1,)), ('{0:{1:{2}}}', (1, 2, 3)),
                  ('{a.}', (1,)), ('{0.}', (1,)), ('{0.imag.x}', (1,)), ('{0[a]}', (1,)),
                  ('{0[1}', ([1, 2],)), ('{0[0]x}', ([1],)), ('{5}', (1,)), ('{k}', ())]:
    try:
        print(F.format(fmt, *args))
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
        print(repr(fmt), type(e).__name__ + ':', e)


class Upper(string.Formatter):
    def format_field(self, value, spec):
        return super().format_field(value, spec).upper()

    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            return '<' + key + '>'
        return super().get_value(key, args, kwargs)


print(Upper().format('{0} and {missing} and {x:>4}', 'abc', x='y'))
print(string.capwords(' hello   world '), string.ascii_letters[:5], string.digits)
s = 'hello world'
print([s.startswith('wor', 6), s.startswith('wor', 6, 8), s.endswith('hell', 0, 4), s.endswith('o', -7, -5),
       s.startswith(('x', 'lo'), 3), s.startswith('', 11), s.startswith('', 12), s.endswith('', 3, 2),
       'héllo'.startswith('llo', 2), s.endswith('world', None), s.startswith('h', None, None)])
for text in ['a\nb\r\nc\rd\x0be\x0cf\x1cg\x85h\u2028i\n', '', '\n', 'x\n\ny', 'no end', '\r\n\r']:
    print(text.splitlines(), text.splitlines(True), text.splitlines(keepends=True))
print(repr('\xa0\xad\x85\u2028\u200b\ufeff\U000e0001\ue000 é ü 日本 \U0001f600'))
print(['a\x9fb'.isprintable(), 'abc'.isprintable(), ''.isprintable(), 'a b'.isprintable(), 'a\tb'.isprintable(), '日本'.isprintable()])
print(string.Template('$_$ and ${x} and $ and $$y').get_identifiers())
