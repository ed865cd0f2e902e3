# string: the character-class constants, capwords, Template and Formatter (CPython's parsing
# rules and error messages; Formatter.parse follows CPython's MarkupIterator step by step).
whitespace = ' \t\n\r\x0b\x0c'
ascii_lowercase = 'abcdefghijklmnopqrstuvwxyz'
ascii_uppercase = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
ascii_letters = ascii_lowercase + ascii_uppercase
digits = '0123456789'
hexdigits = digits + 'abcdef' + 'ABCDEF'
octdigits = '01234567'
punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
printable = digits + ascii_letters + punctuation + whitespace

def capwords(s, sep=None):
    return (sep or ' ').join([x.capitalize() for x in s.split(sep)])


_ID_START = '_' + ascii_letters
_ID_REST = _ID_START + digits


class Template:
    # $name, ${name}, $$. A subclass may change `delimiter`; a different `idpattern`,
    # `braceidpattern` or `pattern` (a regular expression in CPython) is not in the subset.
    delimiter = '$'

    def __init_subclass__(cls):
        for name in ('idpattern', 'braceidpattern', 'pattern', 'flags'):
            if getattr(cls, name, None) is not None:
                raise NotImplementedError('string.Template.' + name + ' is not in the subset (only delimiter)')

    def __init__(self, template):
        self.template = template

    def _scan(self):
        # (kind, name, start) for each placeholder: 'escaped', 'named', 'braced', 'invalid'.
        s = self.template
        d = self.delimiter
        n = len(s)
        i = s.find(d)
        while i >= 0:
            j = i + len(d)
            if s.startswith(d, j):
                yield ('escaped', None, i, j + len(d))
                i = s.find(d, j + len(d))
                continue
            if j < n and s[j] in _ID_START:
                k = j + 1
                while k < n and s[k] in _ID_REST:
                    k += 1
                yield ('named', s[j:k], i, k)
                i = s.find(d, k)
                continue
            if j < n and s[j] == '{':
                k = j + 1
                if k < n and s[k] in _ID_START:
                    m = k + 1
                    while m < n and s[m] in _ID_REST:
                        m += 1
                    if m < n and s[m] == '}':
                        yield ('braced', s[k:m], i, m + 1)
                        i = s.find(d, m + 1)
                        continue
            yield ('invalid', None, j, j)
            i = s.find(d, j)

    def _invalid(self, at):
        lines = self.template[:at].splitlines(True)
        if not lines:
            colno = 1
            lineno = 1
        else:
            colno = at - len(''.join(lines[:-1]))
            lineno = len(lines)
        raise ValueError('Invalid placeholder in string: line %d, col %d' % (lineno, colno))

    def _render(self, mapping, kws, safe):
        if mapping is None:
            mapping = kws
        elif kws:
            merged = dict(mapping)
            merged.update(kws)
            mapping = merged
        out = []
        last = 0
        for kind, name, start, end in self._scan():
            out.append(self.template[last:start])
            last = end
            if kind == 'escaped':
                out.append(self.delimiter)
            elif kind == 'invalid':
                # An empty match just past the delimiter (CPython's column): the text stays.
                if not safe:
                    self._invalid(start)
            elif safe:
                try:
                    out.append(str(mapping[name]))
                except KeyError:
                    out.append(self.template[start:end])
            else:
                out.append(str(mapping[name]))
        out.append(self.template[last:])
        return ''.join(out)

    def substitute(self, mapping=None, /, **kws):
        return self._render(mapping, kws, False)

    def safe_substitute(self, mapping=None, /, **kws):
        return self._render(mapping, kws, True)

    def is_valid(self):
        for kind, name, start, end in self._scan():
            if kind == 'invalid':
                return False
        return True

    def get_identifiers(self):
        ids = []
        for kind, name, start, end in self._scan():
            if name is not None and name not in ids:
                ids.append(name)
        return ids


def _markup(s):
    # CPython's formatter_parser: (literal, field_name, format_spec, conversion) tuples.
    n = len(s)
    pos = 0
    out = []
    while pos < n:
        start = pos
        c = ''
        markup = False
        while pos < n:
            c = s[pos]
            pos += 1
            if c == '{' or c == '}':
                markup = True
                break
        at_end = pos >= n
        length = pos - start
        if c == '}' and (at_end or s[pos] != c):
            raise ValueError("Single '}' encountered in format string")
        if at_end and c == '{':
            raise ValueError("Single '{' encountered in format string")
        if not at_end:
            if s[pos] == c:
                pos += 1
                markup = False
            else:
                length -= 1
        literal = s[start:start + length]
        if not markup:
            out.append((literal, None, None, None))
            continue
        name_start = pos
        c = ''
        while pos < n:
            c = s[pos]
            pos += 1
            if c == '{':
                raise ValueError("unexpected '{' in field name")
            if c == '[':
                while pos < n and s[pos] != ']':
                    pos += 1
                continue
            if c == '}' or c == ':' or c == '!':
                break
        name = s[name_start:pos - 1] if c in '}:!' and c else s[name_start:pos]
        conversion = None
        spec = ''
        if c == '!' or c == ':':
            done = False
            if c == '!':
                if pos >= n:
                    raise ValueError('end of string while looking for conversion specifier')
                conversion = s[pos]
                pos += 1
                if pos < n:
                    c = s[pos]
                    pos += 1
                    if c == '}':
                        done = True
                    elif c != ':':
                        raise ValueError("expected ':' after conversion specifier")
            if not done:
                spec_start = pos
                count = 1
                while pos < n:
                    c = s[pos]
                    pos += 1
                    if c == '{':
                        count += 1
                    elif c == '}':
                        count -= 1
                        if count == 0:
                            break
                if count != 0:
                    raise ValueError("unmatched '{' in format spec")
                spec = s[spec_start:pos - 1]
        elif c != '}':
            raise ValueError("expected '}' before end of string")
        out.append((literal, name, spec, conversion))
    return out


def _field_first(name):
    # 'a.b[0]' -> ('a', '.b[0]'); digits name a positional argument.
    i = 0
    n = len(name)
    while i < n and name[i] not in '.[':
        i += 1
    first = name[:i]
    if first.isdigit():
        first = int(first)
    return first, name[i:]


def _field_rest(rest):
    # (is_attribute, key) for each '.name' or '[key]', parsed as used (as CPython's iterator:
    # a bad later part is reported only after the earlier ones were looked up).
    i = 0
    n = len(rest)
    while i < n:
        c = rest[i]
        i += 1
        if c == '.':
            j = i
            while i < n and rest[i] not in '.[':
                i += 1
            if i == j:
                raise ValueError('Empty attribute in format string')
            yield (True, rest[j:i])
        elif c == '[':
            j = i
            while i < n and rest[i] != ']':
                i += 1
            if i >= n:
                raise ValueError("Missing ']' in format string")
            key = rest[j:i]
            if key == '':
                raise ValueError('Empty attribute in format string')
            i += 1
            if i < n and rest[i] not in '.[':
                raise ValueError("Only '.' or '[' may follow ']' in format field specifier")
            yield (False, int(key) if key.isdigit() else key)
        else:
            raise ValueError("Only '.' or '[' may follow ']' in format field specifier")


class Formatter:
    def format(self, format_string, /, *args, **kwargs):
        return self.vformat(format_string, args, kwargs)

    def vformat(self, format_string, args, kwargs):
        used_args = set()
        result, _ = self._vformat(format_string, args, kwargs, used_args, 2)
        self.check_unused_args(used_args, args, kwargs)
        return result

    def _vformat(self, format_string, args, kwargs, used_args, recursion_depth, auto_arg_index=0):
        if recursion_depth < 0:
            raise ValueError('Max string recursion exceeded')
        result = []
        for literal_text, field_name, format_spec, conversion in self.parse(format_string):
            if literal_text:
                result.append(literal_text)
            if field_name is not None:
                if field_name == '':
                    if auto_arg_index is False:
                        raise ValueError('cannot switch from manual field specification to automatic field numbering')
                    field_name = str(auto_arg_index)
                    auto_arg_index += 1
                elif field_name.isdigit():
                    if auto_arg_index:
                        raise ValueError('cannot switch from manual field specification to automatic field numbering')
                    auto_arg_index = False
                obj, arg_used = self.get_field(field_name, args, kwargs)
                used_args.add(arg_used)
                obj = self.convert_field(obj, conversion)
                format_spec, auto_arg_index = self._vformat(
                    format_spec, args, kwargs, used_args, recursion_depth - 1,
                    auto_arg_index=auto_arg_index)
                result.append(self.format_field(obj, format_spec))
        return ''.join(result), auto_arg_index

    def get_value(self, key, args, kwargs):
        if isinstance(key, int):
            return args[key]
        return kwargs[key]

    def check_unused_args(self, used_args, args, kwargs):
        pass

    def format_field(self, value, format_spec):
        return format(value, format_spec)

    def convert_field(self, value, conversion):
        if conversion is None:
            return value
        if conversion == 's':
            return str(value)
        if conversion == 'r':
            return repr(value)
        if conversion == 'a':
            return ascii(value)
        raise ValueError('Unknown conversion specifier ' + str(conversion))

    def parse(self, format_string):
        return iter(_markup(format_string))

    def get_field(self, field_name, args, kwargs):
        first, rest = _field_first(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, i in _field_rest(rest):
            if is_attr:
                obj = getattr(obj, i)
            else:
                obj = obj[i]
        return obj, first
