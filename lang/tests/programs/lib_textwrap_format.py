import textwrap
lorem = ('The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs. '
         'How vexingly quick daft zebras jump! Sphinx of black quartz, judge my vow.')
for width in (20, 35, 60):
    print(textwrap.fill(lorem, width))
    print('---')
print(textwrap.wrap(lorem, 30))
print(textwrap.wrap('short', 10), textwrap.wrap('', 10), textwrap.wrap('supercalifragilisticexpialidocious word', 10))
print(textwrap.fill('indented paragraph of text that wraps', 20, initial_indent='* ', subsequent_indent='  '))
print(textwrap.shorten('Hello  world, this is a long sentence', width=20), textwrap.shorten('tiny', 10))
code = '''
    def f():
        return 1

    print(f())
'''
print(textwrap.dedent(code))
print(textwrap.indent('a\nb\n\nc', '> '), textwrap.indent('x\ny', '+', lambda line: True))
