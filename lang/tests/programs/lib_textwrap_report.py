import textwrap
items = [('alpha', 'The first item has a fairly long description that needs wrapping.'),
         ('beta', 'Short one.'),
         ('gamma', 'Another long description, with punctuation; and clauses, to wrap nicely across lines.')]
for name, desc in items:
    body = textwrap.fill(desc, width=40, initial_indent=name.ljust(8), subsequent_indent=' ' * 8)
    print(body)
print(textwrap.dedent('''\
    line one
      indented two
    line three'''))
print(textwrap.indent(textwrap.fill('wrap me ' * 8, 30), '| '))
print(textwrap.shorten('The quick brown fox jumps over the lazy dog', 25, placeholder='...'))
