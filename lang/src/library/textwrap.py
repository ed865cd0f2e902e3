# textwrap: wrap, fill, shorten, dedent, indent (CPython's algorithm for the default options:
# break on whitespace, break long words, drop whitespace at line ends).

def _split_words(text):
    # Whitespace runs and words, as CPython's TextWrapper with break_on_hyphens=False sees them.
    chunks = []
    word = ''
    space = ''
    for c in text:
        if c in ' \t\n\r\x0b\x0c':
            if word:
                chunks.append(word)
                word = ''
            space += ' '
        else:
            if space:
                chunks.append(space)
                space = ''
            word += c
    if word:
        chunks.append(word)
    if space:
        chunks.append(space)
    return chunks

def wrap(text, width=70, *, initial_indent='', subsequent_indent='', break_long_words=True,
         drop_whitespace=True, expand_tabs=True, tabsize=8, max_lines=None, placeholder=' [...]',
         break_on_hyphens=True, fix_sentence_endings=False, replace_whitespace=True):
    if width <= 0:
        raise ValueError('invalid width %r (must be > 0)' % width)
    if expand_tabs:
        text = text.expandtabs(tabsize)
    chunks = _split_words(text)
    chunks.reverse()
    lines = []
    while chunks:
        cur_line = []
        cur_len = 0
        indent = subsequent_indent if lines else initial_indent
        w = width - len(indent)
        if drop_whitespace and chunks[-1].strip() == '' and lines:
            del chunks[-1]
        while chunks:
            l = len(chunks[-1])
            if cur_len + l <= w:
                cur_line.append(chunks.pop())
                cur_len += l
            else:
                break
        if chunks and len(chunks[-1]) > w:
            if break_long_words:
                space_left = max(w - cur_len, 1)
                end = space_left
                cur_line.append(chunks[-1][:end])
                chunks[-1] = chunks[-1][end:]
            elif not cur_line:
                cur_line.append(chunks.pop())
        if drop_whitespace and cur_line and cur_line[-1].strip() == '':
            cur_len -= len(cur_line[-1])
            del cur_line[-1]
        if cur_line:
            if max_lines is None or len(lines) + 1 < max_lines or ((not chunks or drop_whitespace and len(chunks) == 1 and not chunks[0].strip()) and cur_len <= w):
                lines.append(indent + ''.join(cur_line))
            else:
                while cur_line:
                    if cur_line[-1].strip() and cur_len + len(placeholder) <= w:
                        cur_line.append(placeholder)
                        lines.append(indent + ''.join(cur_line))
                        break
                    cur_len -= len(cur_line[-1])
                    del cur_line[-1]
                else:
                    if lines:
                        prev_line = lines[-1].rstrip()
                        if len(prev_line) + len(placeholder) <= width:
                            lines[-1] = prev_line + placeholder
                            break
                    lines.append(indent + placeholder.lstrip())
                break
    return lines

def fill(text, width=70, **kwargs):
    return '\n'.join(wrap(text, width, **kwargs))

def shorten(text, width, *, placeholder=' [...]', **kwargs):
    return fill(' '.join(text.strip().split()), width, max_lines=1, placeholder=placeholder, **kwargs)

def dedent(text):
    lines = text.split('\n')
    margin = None
    for line in lines:
        stripped = line.lstrip(' \t')
        if not stripped:
            continue
        indent = line[:len(line) - len(stripped)]
        if margin is None:
            margin = indent
        elif indent.startswith(margin):
            pass
        elif margin.startswith(indent):
            margin = indent
        else:
            i = 0
            while i < len(margin) and i < len(indent) and margin[i] == indent[i]:
                i += 1
            margin = margin[:i]
    out = []
    for line in lines:
        if not line.strip(' \t'):
            out.append('')
        elif margin:
            out.append(line[len(margin):])
        else:
            out.append(line)
    return '\n'.join(out)

def indent(text, prefix, predicate=None):
    out = []
    lines = []
    start = 0
    for i in range(len(text)):
        if text[i] == '\n':
            lines.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        lines.append(text[start:])
    for line in lines:
        if (predicate is None and line.strip()) or (predicate is not None and predicate(line)):
            out.append(prefix + line)
        else:
            out.append(line)
    return ''.join(out)
