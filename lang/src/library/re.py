# re: CPython's API over the `regex` crate (`_sl.re_compile`, `_sl.re_search`). A Pattern holds
# only its text and flags, so it snapshots like any object; the compiled automaton is rebuilt
# on demand. Backreferences and look-around are not supported (re.error names them).
import _sl

A = ASCII = 256
I = IGNORECASE = 2
L = LOCALE = 4
M = MULTILINE = 8
S = DOTALL = 16
U = UNICODE = 32
X = VERBOSE = 64
NOFLAG = 0

class error(Exception):
    def __init__(self, msg, pattern=None, pos=None):
        super().__init__(msg)
        self.msg = msg
        self.pattern = pattern
        self.pos = pos

PatternError = error

_cache = {}

def _clamp(string, pos, endpos):
    # CPython clamps both ends into the string (and keeps the clamped values on the Match).
    n = len(string)
    if endpos is None or endpos > n:
        endpos = n
    elif endpos < 0:
        endpos = 0
    if pos < 0:
        pos = 0
    elif pos > n:
        pos = n
    return pos, endpos

class Pattern:
    def __init__(self, pattern, flags):
        if isinstance(pattern, bytes):
            raise NotImplementedError('bytes patterns are not supported by slnode (use str)')
        info = _sl.re_compile(pattern, flags)
        if not info[0]:
            raise error(info[1], pattern)
        self.pattern = pattern
        self.flags = flags | UNICODE
        self.groups = info[1]
        self.groupindex = dict(info[2])
    def _search(self, string, pos, endpos, mode, must_advance=False):
        if not isinstance(string, str):
            raise TypeError("expected string or bytes-like object, got '" + type(string).__name__ + "'")
        pos, endpos = _clamp(string, pos, endpos)
        spans = _sl.re_search(self.pattern, self.flags, string, pos, endpos, mode, must_advance)
        if spans is None:
            return None
        return Match(self, string, spans, pos, endpos)
    def search(self, string, pos=0, endpos=None):
        return self._search(string, pos, endpos, 0)
    def match(self, string, pos=0, endpos=None):
        return self._search(string, pos, endpos, 1)
    def fullmatch(self, string, pos=0, endpos=None):
        return self._search(string, pos, endpos, 2)
    def _spans(self, string, pos=0, endpos=None, limit=0):
        # Every match's spans from pos, as finditer steps, fetched from the host in growing
        # batches (one call per batch, not per match); at most limit matches when it is set.
        if not isinstance(string, str):
            raise TypeError("expected string or bytes-like object, got '" + type(string).__name__ + "'")
        pos, endpos = _clamp(string, pos, endpos)
        if limit < 0:
            return
        must_advance = False
        batch = 16
        n = 0
        while True:
            want = batch if not limit else min(batch, limit - n)
            found = _sl.re_scan(self.pattern, self.flags, string, pos, endpos, must_advance, want)
            for spans in found:
                yield spans
            n += len(found)
            if len(found) < want or (limit and n >= limit):
                return
            last = found[-1]
            must_advance = last[0] == last[1]
            pos = last[1]
            batch = min(batch * 4, 4096)
    def finditer(self, string, pos=0, endpos=None):
        if isinstance(string, str):
            pos, endpos = _clamp(string, pos, endpos)
        for spans in self._spans(string, pos, endpos):
            yield Match(self, string, spans, pos, endpos)
    def findall(self, string, pos=0, endpos=None):
        if not isinstance(string, str):
            raise TypeError("expected string or bytes-like object, got '" + type(string).__name__ + "'")
        pos, endpos = _clamp(string, pos, endpos)
        return _sl.re_findall(self.pattern, self.flags, string, pos, endpos)
    def _expand_fn(self, repl):
        if callable(repl):
            return repl
        template = _parse_template(repl, self)
        def expand(m):
            return _apply_template(template, m)
        return expand
    def subn(self, repl, string, count=0):
        # A replacement without group references is its text: no Match is made per match.
        literal = None
        if isinstance(repl, str) and '\\' not in repl:
            literal = repl
        else:
            fn = self._expand_fn(repl)
        parts = []
        last = 0
        n = 0
        for s in self._spans(string, 0, None, count):
            parts.append(string[last:s[0]])
            if literal is None:
                parts.append(fn(Match(self, string, s, 0, len(string))))
            else:
                parts.append(literal)
            last = s[1]
            n += 1
        parts.append(string[last:])
        return (''.join(parts), n)
    def sub(self, repl, string, count=0):
        return self.subn(repl, string, count)[0]
    def split(self, string, maxsplit=0):
        out = []
        last = 0
        for s in self._spans(string, 0, None, maxsplit):
            out.append(string[last:s[0]])
            for i in range(1, self.groups + 1):
                out.append(string[s[2 * i]:s[2 * i + 1]] if s[2 * i] >= 0 else None)
            last = s[1]
        out.append(string[last:])
        return out
    def __eq__(self, other):
        return isinstance(other, Pattern) and self.pattern == other.pattern and self.flags == other.flags
    def __hash__(self):
        return hash((self.pattern, self.flags))
    def __repr__(self):
        text = 're.compile(' + repr(self.pattern)
        shown = self.flags & ~UNICODE
        if shown:
            names = []
            for value, name in ((2, 're.IGNORECASE'), (4, 're.LOCALE'), (8, 're.MULTILINE'), (16, 're.DOTALL'), (64, 're.VERBOSE'), (256, 're.ASCII')):
                if shown & value:
                    names.append(name)
            text += ', ' + '|'.join(names)
        return text + ')'


class Match:
    def __init__(self, pattern, string, spans, pos, endpos):
        self.re = pattern
        self.string = string
        self._spans = spans
        self.pos = pos
        self.endpos = endpos
        last = None
        best = -1
        for i in range(1, len(spans) // 2):
            s = spans[2 * i + 1]
            if s != -1 and s >= best:
                # CPython: the last group to close (the outermost among equals: lowest index).
                if s > best:
                    last = i
                    best = s
        self.lastindex = last
        self.lastgroup = None
        if last is not None:
            for name, i in pattern.groupindex.items():
                if i == last:
                    self.lastgroup = name
    def _index(self, g):
        if isinstance(g, str):
            if g in self.re.groupindex:
                return self.re.groupindex[g]
            raise IndexError('no such group')
        if isinstance(g, int) and 0 <= g <= self.re.groups:
            return g
        raise IndexError('no such group')
    def _group_or(self, i, default):
        s = self._spans[2 * i]
        if s == -1:
            return default
        return self.string[s:self._spans[2 * i + 1]]
    def group(self, *groups):
        if not groups:
            return self._group_or(0, None)
        if len(groups) == 1:
            return self._group_or(self._index(groups[0]), None)
        return tuple([self._group_or(self._index(g), None) for g in groups])
    def __getitem__(self, g):
        return self._group_or(self._index(g), None)
    def groups(self, default=None):
        return tuple([self._group_or(i, default) for i in range(1, self.re.groups + 1)])
    def groupdict(self, default=None):
        return {name: self._group_or(i, default) for name, i in self.re.groupindex.items()}
    def start(self, group=0):
        return self._spans[2 * self._index(group)]
    def end(self, group=0):
        return self._spans[2 * self._index(group) + 1]
    def span(self, group=0):
        i = self._index(group)
        return (self._spans[2 * i], self._spans[2 * i + 1])
    def expand(self, template):
        return _apply_template(_parse_template(template, self.re), self)
    def __bool__(self):
        return True
    def __repr__(self):
        return '<re.Match object; span=(' + str(self._spans[0]) + ', ' + str(self._spans[1]) + '), match=' + repr(self.group(0)) + '>'


_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', 'f': '\f', 'v': '\v', 'a': '\a', 'b': '\b', '\\': '\\'}

def _parse_template(repl, pattern):
    # A list of literal strings and group numbers.
    items = []
    literal = ''
    i = 0
    n = len(repl)
    while i < n:
        c = repl[i]
        if c != '\\':
            literal += c
            i += 1
            continue
        i += 1
        if i >= n:
            raise error('bad escape (end of pattern)', repl, i - 1)
        c = repl[i]
        if c == 'g':
            close = repl.find('>', i)
            if i + 1 >= n or repl[i + 1] != '<' or close < 0:
                raise error('missing <', repl, i + 1)
            name = repl[i + 2:close]
            if name.isdigit():
                index = int(name)
                if index > pattern.groups:
                    raise error('invalid group reference ' + name, repl, i + 2)
            elif name in pattern.groupindex:
                index = pattern.groupindex[name]
            else:
                raise IndexError("unknown group name '" + name + "'")
            items.append(literal)
            literal = ''
            items.append(index)
            i = close + 1
        elif c.isdigit():
            j = i
            while j < n and j < i + 2 and repl[j].isdigit():
                j += 1
            index = int(repl[i:j])
            if index > pattern.groups:
                raise error('invalid group reference ' + str(index), repl, i)
            items.append(literal)
            literal = ''
            items.append(index)
            i = j
        elif c in _ESCAPES:
            literal += _ESCAPES[c]
            i += 1
        elif c.isalpha():
            raise error('bad escape \\' + c, repl, i - 1)
        else:
            literal += '\\' + c
            i += 1
    items.append(literal)
    return items

def _apply_template(items, m):
    out = []
    for item in items:
        if isinstance(item, int):
            out.append(m._group_or(item, ''))
        else:
            out.append(item)
    return ''.join(out)


def compile(pattern, flags=0):
    if isinstance(pattern, Pattern):
        if flags:
            raise ValueError('cannot process flags argument with a compiled pattern')
        return pattern
    key = (pattern, flags)
    p = _cache.get(key)
    if p is None:
        p = Pattern(pattern, flags)
        if len(_cache) >= 256:
            _cache.clear()
        _cache[key] = p
    return p

def search(pattern, string, flags=0):
    return compile(pattern, flags).search(string)

def match(pattern, string, flags=0):
    return compile(pattern, flags).match(string)

def fullmatch(pattern, string, flags=0):
    return compile(pattern, flags).fullmatch(string)

def findall(pattern, string, flags=0):
    return compile(pattern, flags).findall(string)

def finditer(pattern, string, flags=0):
    return compile(pattern, flags).finditer(string)

def sub(pattern, repl, string, count=0, flags=0):
    return compile(pattern, flags).sub(repl, string, count)

def subn(pattern, repl, string, count=0, flags=0):
    return compile(pattern, flags).subn(repl, string, count)

def split(pattern, string, maxsplit=0, flags=0):
    return compile(pattern, flags).split(string, maxsplit)

def purge():
    _cache.clear()

_special = '()[]{}?*+-|^$\\.&~# \t\n\r\v\f'

def escape(pattern):
    out = []
    for c in pattern:
        if c in _special:
            out.append('\\' + c)
        else:
            out.append(c)
    return ''.join(out)
