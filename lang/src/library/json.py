# json: dumps/loads with CPython's exact text and error messages. Parsing and string quoting are
# Rust helpers (`_sl.json_loads`, `_sl.json_string`); the encoder's layout logic is here.
import _sl

class JSONDecodeError(ValueError):
    def __init__(self, msg, doc, pos):
        before = doc[:pos]
        lineno = before.count('\n') + 1
        colno = pos - before.rfind('\n')
        errmsg = '%s: line %d column %d (char %d)' % (msg, lineno, colno, pos)
        super().__init__(errmsg)
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno

def loads(s, *, cls=None, object_hook=None, parse_float=None, parse_int=None,
          parse_constant=None, object_pairs_hook=None, **kw):
    if isinstance(s, str):
        if s.startswith('\ufeff'):
            raise JSONDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', s, 0)
    elif isinstance(s, (bytes, bytearray)):
        s = s.decode('utf-8')
    else:
        raise TypeError('the JSON object must be str, bytes or bytearray, not ' + type(s).__name__)
    result = _sl.json_loads(s)
    if not result[0]:
        raise JSONDecodeError(result[1], s, result[2])
    value = result[1]
    if object_hook is not None or object_pairs_hook is not None or parse_float is not None or parse_int is not None:
        value = _hooks(value, object_hook, object_pairs_hook, parse_float, parse_int)
    return value

def _hooks(v, object_hook, pairs_hook, parse_float, parse_int):
    if isinstance(v, list):
        return [_hooks(x, object_hook, pairs_hook, parse_float, parse_int) for x in v]
    if isinstance(v, dict):
        pairs = [(k, _hooks(x, object_hook, pairs_hook, parse_float, parse_int)) for k, x in v.items()]
        if pairs_hook is not None:
            return pairs_hook(pairs)
        d = dict(pairs)
        if object_hook is not None:
            return object_hook(d)
        return d
    if parse_float is not None and isinstance(v, float):
        return parse_float(repr(v))
    if parse_int is not None and isinstance(v, int) and not isinstance(v, bool):
        return parse_int(str(v))
    return v

def load(fp, **kw):
    return loads(fp.read(), **kw)

class JSONEncoder:
    item_separator = ', '
    key_separator = ': '
    def __init__(self, *, skipkeys=False, ensure_ascii=True, check_circular=True,
                 allow_nan=True, sort_keys=False, indent=None, separators=None, default=None):
        self.skipkeys = skipkeys
        self.ensure_ascii = ensure_ascii
        self.check_circular = check_circular
        self.allow_nan = allow_nan
        self.sort_keys = sort_keys
        if indent is not None and not isinstance(indent, str):
            indent = ' ' * indent
        self.indent = indent
        if separators is not None:
            self.item_separator, self.key_separator = separators
        elif indent is not None:
            self.item_separator = ','
        if default is not None:
            self.default = default
        # The stock encoder on plain data runs in Rust (`_sl.json_dumps`); a subclass or a
        # `default` may need calls back, so they take the Python path.
        self._fast = default is None and type(self) is JSONEncoder
    def default(self, o):
        raise TypeError('Object of type ' + type(o).__name__ + ' is not JSON serializable')
    def encode(self, o):
        if isinstance(o, str):
            return _sl.json_string(o, self.ensure_ascii)
        if self._fast:
            text = _sl.json_dumps(o, self.ensure_ascii, self.allow_nan, self.sort_keys,
                                  self.indent, self.item_separator, self.key_separator,
                                  self.skipkeys)
            if text is not None:
                return text
        chunks = []
        self._encode(o, chunks, 0, {})
        return ''.join(chunks)
    def iterencode(self, o, _one_shot=False):
        return iter([self.encode(o)])
    def _float(self, o):
        if o != o:
            text = 'NaN'
        elif o == float('inf'):
            text = 'Infinity'
        elif o == -float('inf'):
            text = '-Infinity'
        else:
            return repr(o)
        if not self.allow_nan:
            raise ValueError('Out of range float values are not JSON compliant')
        return text
    def _encode(self, o, chunks, level, markers):
        if isinstance(o, str):
            chunks.append(_sl.json_string(o, self.ensure_ascii))
        elif o is None:
            chunks.append('null')
        elif o is True:
            chunks.append('true')
        elif o is False:
            chunks.append('false')
        elif isinstance(o, int):
            chunks.append(str(int(o)))
        elif isinstance(o, float):
            chunks.append(self._float(o))
        elif isinstance(o, (list, tuple)) or _is_tuple_like(o):
            self._list(o, chunks, level, markers)
        elif isinstance(o, dict):
            self._dict(o, chunks, level, markers)
        else:
            if self.check_circular:
                i = id(o)
                if i in markers:
                    raise ValueError('Circular reference detected')
                markers[i] = o
            self._encode(self.default(o), chunks, level, markers)
            if self.check_circular:
                del markers[id(o)]
    def _list(self, lst, chunks, level, markers):
        if not lst:
            chunks.append('[]')
            return
        if self.check_circular:
            i = id(lst)
            if i in markers:
                raise ValueError('Circular reference detected')
            markers[i] = lst
        chunks.append('[')
        if self.indent is not None:
            level += 1
            newline = '\n' + self.indent * level
            separator = self.item_separator + newline
            chunks.append(newline)
        else:
            newline = None
            separator = self.item_separator
        first = True
        for v in lst:
            if first:
                first = False
            else:
                chunks.append(separator)
            self._encode(v, chunks, level, markers)
        if newline is not None:
            level -= 1
            chunks.append('\n' + self.indent * level)
        chunks.append(']')
        if self.check_circular:
            del markers[id(lst)]
    def _dict(self, dct, chunks, level, markers):
        if not dct:
            chunks.append('{}')
            return
        if self.check_circular:
            i = id(dct)
            if i in markers:
                raise ValueError('Circular reference detected')
            markers[i] = dct
        chunks.append('{')
        if self.indent is not None:
            level += 1
            newline = '\n' + self.indent * level
            separator = self.item_separator + newline
            chunks.append(newline)
        else:
            newline = None
            separator = self.item_separator
        items = list(dct.items())
        if self.sort_keys:
            items = sorted(items)
        first = True
        for key, value in items:
            if isinstance(key, str):
                pass
            elif isinstance(key, float):
                key = self._float(key)
            elif key is True:
                key = 'true'
            elif key is False:
                key = 'false'
            elif key is None:
                key = 'null'
            elif isinstance(key, int):
                key = str(int(key))
            elif self.skipkeys:
                continue
            else:
                raise TypeError('keys must be str, int, float, bool or None, not ' + type(key).__name__)
            if first:
                first = False
            else:
                chunks.append(separator)
            chunks.append(_sl.json_string(key, self.ensure_ascii))
            chunks.append(self.key_separator)
            self._encode(value, chunks, level, markers)
        if newline is not None:
            level -= 1
            chunks.append('\n' + self.indent * level)
        chunks.append('}')
        if self.check_circular:
            del markers[id(dct)]

def _is_tuple_like(o):
    # A namedtuple (a tuple subclass in CPython).
    return _sl.is_instance(o) and hasattr(o, '_fields') and hasattr(o, '_t')

_default_encoder = JSONEncoder()

def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True,
          cls=None, indent=None, separators=None, default=None, sort_keys=False, **kw):
    if (cls is None and not skipkeys and ensure_ascii and check_circular and allow_nan
            and indent is None and separators is None and default is None and not sort_keys
            and not kw):
        # CPython's shortcut: the default encoder, made once.
        return _default_encoder.encode(obj)
    if cls is None:
        cls = JSONEncoder
    return cls(skipkeys=skipkeys, ensure_ascii=ensure_ascii, check_circular=check_circular,
               allow_nan=allow_nan, indent=indent, separators=separators, default=default,
               sort_keys=sort_keys, **kw).encode(obj)

def dump(obj, fp, **kw):
    fp.write(dumps(obj, **kw))
