import re
md = '''# Title
Some *emphasis* and **strong** text with `code` and a [link](http://x.y).
## Section
- item one
- item **two**
'''
def render(text):
    out = []
    for line in text.splitlines():
        h = re.match(r'(#{1,6}) (.*)', line)
        if h:
            n = len(h.group(1))
            line = '<h%d>%s</h%d>' % (n, h.group(2), n)
        elif line.startswith('- '):
            line = '<li>' + line[2:] + '</li>'
        line = re.sub(r'\*\*(.+?)\*\*', r'<b>\1</b>', line)
        line = re.sub(r'\*(.+?)\*', r'<i>\1</i>', line)
        line = re.sub(r'`([^`]+)`', r'<code>\1</code>', line)
        line = re.sub(r'\[([^\]]+)\]\(([^)]+)\)', r'<a href="\2">\1</a>', line)
        out.append(line)
    return '\n'.join(out)
print(render(md))
