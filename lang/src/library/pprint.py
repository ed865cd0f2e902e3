# pprint: CPython 3.11's layout — a value whose one-line repr fits in what is left of the
# width is written as it is; a dict, list, tuple, set, str, bytes, OrderedDict, defaultdict,
# Counter, deque or dataclass instance that does not fit is split over lines, one item per line
# (or as many as fit with compact=True), dict keys sorted unless sort_dicts=False. Written for
# slnode from the documented behaviour; outputs are compared with CPython's.
import collections as _collections
import dataclasses as _dataclasses
import re as _re
import sys as _sys

__all__ = ['pprint', 'pformat', 'isreadable', 'isrecursive', 'saferepr', 'PrettyPrinter', 'pp']


def pprint(object, stream=None, indent=1, width=80, depth=None, *, compact=False,
           sort_dicts=True, underscore_numbers=False):
    PrettyPrinter(stream=stream, indent=indent, width=width, depth=depth, compact=compact,
                  sort_dicts=sort_dicts,
                  underscore_numbers=underscore_numbers).pprint(object)


def pformat(object, indent=1, width=80, depth=None, *, compact=False, sort_dicts=True,
            underscore_numbers=False):
    return PrettyPrinter(indent=indent, width=width, depth=depth, compact=compact,
                         sort_dicts=sort_dicts,
                         underscore_numbers=underscore_numbers).pformat(object)


def pp(object, *args, sort_dicts=False, **kwargs):
    pprint(object, *args, sort_dicts=sort_dicts, **kwargs)


def saferepr(object):
    return PrettyPrinter()._flat(object, {}, None, 0)[0]


def isreadable(object):
    return PrettyPrinter()._flat(object, {}, None, 0)[1]


def isrecursive(object):
    return PrettyPrinter()._flat(object, {}, None, 0)[2]


class _Ordered:
    # Sorts values of any mix of types: by `<` where the types allow it, else by type name
    # and identity (CPython's `_safe_key`).
    def __init__(self, obj):
        self.obj = obj

    def __lt__(self, other):
        try:
            return self.obj < other.obj
        except TypeError:
            return ((str(type(self.obj)), id(self.obj)) <
                    (str(type(other.obj)), id(other.obj)))


def _pair_key(pair):
    return (_Ordered(pair[0]), _Ordered(pair[1]))


_SCALARS = (str, bytes, float, bool, type(None))
_SPLIT_WHEN_NOT_EMPTY = (dict, list, tuple, set, frozenset, str, bytes, _collections.OrderedDict,
                         _collections.defaultdict, _collections.Counter, _collections.deque)


class _Out:
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)


class PrettyPrinter:
    def __init__(self, indent=1, width=80, depth=None, stream=None, *, compact=False,
                 sort_dicts=True, underscore_numbers=False):
        indent = int(indent)
        width = int(width)
        if indent < 0:
            raise ValueError('indent must be >= 0')
        if depth is not None and depth <= 0:
            raise ValueError('depth must be > 0')
        if not width:
            raise ValueError('width must be != 0')
        self._depth = depth
        self._indent_per_level = indent
        self._width = width
        self._stream = stream
        self._compact = bool(compact)
        self._sort_dicts = sort_dicts
        self._underscore_numbers = underscore_numbers

    def pprint(self, object):
        stream = self._stream if self._stream is not None else _sys.stdout
        if stream is None:
            return
        out = _Out()
        self._format(object, out, 0, 0, {}, 0)
        stream.write(''.join(out.parts) + '\n')

    def pformat(self, object):
        out = _Out()
        self._format(object, out, 0, 0, {}, 0)
        return ''.join(out.parts)

    def isrecursive(self, object):
        return self.format(object, {}, 0, 0)[2]

    def isreadable(self, object):
        s, readable, recursive = self.format(object, {}, 0, 0)
        return readable and not recursive

    def format(self, object, context, maxlevels, level):
        # (repr, readable, recursive), as CPython's PrettyPrinter.format.
        return self._flat(object, context, maxlevels, level)

    # One line ---------------------------------------------------------------------------

    def _flat(self, obj, context, maxlevels, level):
        t = type(obj)
        if t in _SCALARS:
            return repr(obj), True, False
        if t is int:
            if self._underscore_numbers:
                return format(obj, '_d'), True, False
            return repr(obj), True, False
        if t is dict or t is list or t is tuple:
            return self._flat_container(obj, t, context, maxlevels, level)
        text = repr(obj)
        return text, bool(text) and not text.startswith('<'), False

    def _flat_container(self, obj, t, context, maxlevels, level):
        if not obj:
            return repr(obj), True, False
        opening, closing = {dict: ('{', '}'), list: ('[', ']'), tuple: ('(', ')')}[t]
        if maxlevels and level >= maxlevels:
            return opening + '...' + closing, False, id(obj) in context
        key = id(obj)
        if key in context:
            return _recursion(obj), False, True
        context[key] = 1
        readable = True
        recursive = False
        parts = []
        level += 1
        if t is dict:
            items = sorted(obj.items(), key=_pair_key) if self._sort_dicts else obj.items()
            for k, v in items:
                krepr, kread, krec = self._flat(k, context, maxlevels, level)
                vrepr, vread, vrec = self._flat(v, context, maxlevels, level)
                parts.append(krepr + ': ' + vrepr)
                readable = readable and kread and vread
                recursive = recursive or krec or vrec
        else:
            for item in obj:
                irepr, iread, irec = self._flat(item, context, maxlevels, level)
                parts.append(irepr)
                readable = readable and iread
                recursive = recursive or irec
        del context[key]
        if t is tuple and len(parts) == 1:
            return '(' + parts[0] + ',)', readable, recursive
        return opening + ', '.join(parts) + closing, readable, recursive

    def _repr(self, obj, context, level):
        text, readable, recursive = self.format(obj, dict(context), self._depth, level)
        return text

    # Split over lines -------------------------------------------------------------------

    def _format(self, obj, out, indent, allowance, context, level):
        key = id(obj)
        if key in context:
            out.write(_recursion(obj))
            return
        text = self._repr(obj, context, level)
        if len(text) > self._width - indent - allowance:
            split = self._splitter(obj)
            if split is not None:
                context[key] = 1
                split(obj, out, indent, allowance, context, level + 1)
                del context[key]
                return
        out.write(text)

    def _splitter(self, obj):
        t = type(obj)
        if t in _SPLIT_WHEN_NOT_EMPTY and not len(obj):
            # An empty container or str is written as its repr.
            return None
        if t is dict:
            return self._split_dict
        if t is list:
            return self._split_list
        if t is tuple:
            return self._split_tuple
        if t is set or t is frozenset:
            return self._split_set
        if t is str:
            return self._split_str
        if t is bytes:
            return self._split_bytes
        if t is _collections.OrderedDict:
            return self._split_ordered_dict
        if t is _collections.defaultdict:
            return self._split_default_dict
        if t is _collections.Counter:
            return self._split_counter
        if t is _collections.deque:
            return self._split_deque
        if (_dataclasses.is_dataclass(obj) and not isinstance(obj, type)
                and t.__repr__ in _dataclasses._GENERATED_REPRS):
            return self._split_dataclass
        return None

    def _split_dict(self, obj, out, indent, allowance, context, level):
        out.write('{')
        if self._indent_per_level > 1:
            out.write(' ' * (self._indent_per_level - 1))
        if obj:
            items = sorted(obj.items(), key=_pair_key) if self._sort_dicts else obj.items()
            self._dict_items(list(items), out, indent, allowance + 1, context, level)
        out.write('}')

    def _dict_items(self, items, out, indent, allowance, context, level):
        indent += self._indent_per_level
        last = len(items) - 1
        for i, (k, v) in enumerate(items):
            krepr = self._repr(k, context, level)
            out.write(krepr + ': ')
            self._format(v, out, indent + len(krepr) + 2, allowance if i == last else 1,
                         context, level)
            if i != last:
                out.write(',\n' + ' ' * indent)

    def _split_list(self, obj, out, indent, allowance, context, level):
        out.write('[')
        self._items(obj, out, indent, allowance + 1, context, level)
        out.write(']')

    def _split_tuple(self, obj, out, indent, allowance, context, level):
        out.write('(')
        closing = ',)' if len(obj) == 1 else ')'
        self._items(obj, out, indent, allowance + len(closing), context, level)
        out.write(closing)

    def _split_set(self, obj, out, indent, allowance, context, level):
        if type(obj) is set:
            out.write('{')
            closing = '}'
        else:
            name = type(obj).__name__
            out.write(name + '({')
            closing = '})'
            indent += len(name) + 1
        self._items(sorted(obj, key=_Ordered), out, indent, allowance + len(closing), context,
                    level)
        out.write(closing)

    def _items(self, items, out, indent, allowance, context, level):
        # One item per line; with compact=True as many items per line as fit.
        indent += self._indent_per_level
        if self._indent_per_level > 1:
            out.write(' ' * (self._indent_per_level - 1))
        newline = ',\n' + ' ' * indent
        items = list(items)
        room = full = self._width - indent + 1
        separator = ''
        for i, item in enumerate(items):
            last = i == len(items) - 1
            if last:
                full -= allowance
                room -= allowance
            if self._compact:
                text = self._repr(item, context, level)
                need = len(text) + 2
                if room < need:
                    room = full
                    if separator:
                        separator = newline
                if room >= need:
                    room -= need
                    out.write(separator + text)
                    separator = ', '
                    continue
            out.write(separator)
            separator = newline
            self._format(item, out, indent, allowance if last else 1, context, level)

    def _split_str(self, obj, out, indent, allowance, context, level):
        if level == 1:
            indent += 1
            allowance += 1
        width = self._width - indent
        chunks = []
        lines = obj.splitlines(True)
        for i, line in enumerate(lines):
            final_line = i == len(lines) - 1
            text = repr(line)
            if len(text) <= (width - allowance if final_line else width):
                chunks.append(text)
                continue
            # Words with their trailing blanks, joined while the repr still fits.
            words = _re.findall(r'\S*\s*', line)[:-1]
            last = len(words) - 1 if final_line else -1
            chunks.extend(_joined(words, width, allowance, last))
        if len(chunks) == 1:
            out.write(chunks[0])
            return
        if level == 1:
            out.write('(')
        out.write(('\n' + ' ' * indent).join(chunks))
        if level == 1:
            out.write(')')

    def _split_bytes(self, obj, out, indent, allowance, context, level):
        if len(obj) <= 4:
            out.write(repr(obj))
            return
        outer = level == 1
        if outer:
            indent += 1
            allowance += 1
            out.write('(')
        parts = [obj[i:i + 4] for i in range(0, len(obj), 4)]
        # Only a short last part is held to the allowance (CPython's quirk).
        last = len(parts) - 1 if len(obj) % 4 else -1
        chunks = _joined(parts, self._width - indent, allowance, last)
        out.write(('\n' + ' ' * indent).join(chunks))
        if outer:
            out.write(')')

    def _split_ordered_dict(self, obj, out, indent, allowance, context, level):
        name = type(obj).__name__
        out.write(name + '(')
        self._format(list(obj.items()), out, indent + len(name) + 1, allowance + 1, context,
                     level)
        out.write(')')

    def _split_default_dict(self, obj, out, indent, allowance, context, level):
        name = type(obj).__name__
        factory = self._repr(obj.default_factory, context, level)
        indent += len(name) + 1
        out.write(name + '(' + factory + ',\n' + ' ' * indent)
        self._split_dict(dict(obj), out, indent, allowance + 1, context, level)
        out.write(')')

    def _split_counter(self, obj, out, indent, allowance, context, level):
        name = type(obj).__name__
        out.write(name + '({')
        if self._indent_per_level > 1:
            out.write(' ' * (self._indent_per_level - 1))
        self._dict_items(obj.most_common(), out, indent + len(name) + 1, allowance + 2,
                         context, level)
        out.write('})')

    def _split_deque(self, obj, out, indent, allowance, context, level):
        name = type(obj).__name__
        out.write(name + '([')
        indent += len(name) + 1
        if obj.maxlen is None:
            self._items(obj, out, indent, allowance + 2, context, level)
            out.write('])')
        else:
            self._items(obj, out, indent, 2, context, level)
            out.write('],\n' + ' ' * indent + 'maxlen=' + self._repr(obj.maxlen, context, level)
                      + ')')

    def _split_dataclass(self, obj, out, indent, allowance, context, level):
        name = type(obj).__name__
        indent += len(name) + 1
        shown = [(f.name, getattr(obj, f.name)) for f in _dataclasses.fields(obj) if f.repr]
        out.write(name + '(')
        last = len(shown) - 1
        for i, (field, value) in enumerate(shown):
            out.write(field + '=')
            if id(value) in context:
                out.write('...')
            else:
                self._format(value, out, indent + len(field) + 1,
                             allowance if i == last else 1, context, level)
            if i != last:
                out.write(',\n' + ' ' * indent)
        out.write(')')


def _joined(parts, width, allowance, last):
    # Consecutive parts joined while the repr of the run fits in `width` (less `allowance`
    # for part `last`): the reprs of the runs.
    chunks = []
    current = parts[0][:0] if parts else ''
    for j, part in enumerate(parts):
        limit = width - allowance if j == last else width
        if len(repr(current + part)) > limit:
            if current:
                chunks.append(repr(current))
            current = part
        else:
            current += part
    if current:
        chunks.append(repr(current))
    return chunks


def _recursion(obj):
    return '<Recursion on ' + type(obj).__name__ + ' with id=' + str(id(obj)) + '>'
