# csv: CPython 3.11's reader (its state machine: quoted fields over several lines, doubled and
# escaped quotes, QUOTE_NONNUMERIC floats, strict mode, stray-newline errors; NUL is data, as
# in 3.11) and writer (minimal, all, non-numeric and no quoting, escapechar, the lone empty
# field written as ""),
# the dialect registry (excel, excel-tab, unix), DictReader and DictWriter. Written for slnode
# from the documented behaviour; outputs and messages are compared with CPython's.
# Not there: Sniffer.

__all__ = ['QUOTE_MINIMAL', 'QUOTE_ALL', 'QUOTE_NONNUMERIC', 'QUOTE_NONE', 'Error', 'Dialect',
           'excel', 'excel_tab', 'unix_dialect', 'reader', 'writer', 'register_dialect',
           'get_dialect', 'list_dialects', 'unregister_dialect', 'field_size_limit',
           'DictReader', 'DictWriter', '__version__']

__version__ = '1.0'

QUOTE_MINIMAL = 0
QUOTE_ALL = 1
QUOTE_NONNUMERIC = 2
QUOTE_NONE = 3


class Error(Exception):
    pass


# CPython's csv.Error comes from the _csv extension module (tracebacks name it `_csv.Error`).
Error.__module__ = '_csv'


_limit = 128 * 1024


def field_size_limit(*args):
    global _limit
    if len(args) > 1:
        raise TypeError('field_size_limit expected at most 1 argument, got ' + str(len(args)))
    old = _limit
    if args:
        if not isinstance(args[0], int):
            raise TypeError('limit must be an integer')
        _limit = args[0]
    return old


class Dialect:
    _name = ''
    _valid = False
    delimiter = None
    quotechar = None
    escapechar = None
    doublequote = None
    skipinitialspace = None
    lineterminator = None
    quoting = None

    def __init__(self):
        if self.__class__ is not Dialect:
            self._valid = True
        try:
            _Format(self, {})
        except TypeError as e:
            raise Error(str(e))


class excel(Dialect):
    delimiter = ','
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = '\r\n'
    quoting = QUOTE_MINIMAL


class excel_tab(excel):
    delimiter = '\t'


class unix_dialect(Dialect):
    delimiter = ','
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = '\n'
    quoting = QUOTE_ALL


_dialects = {}

_PARAMS = ('delimiter', 'quotechar', 'escapechar', 'doublequote', 'skipinitialspace',
           'lineterminator', 'quoting', 'strict')


def _one_char(name, value, none_ok):
    if value is None and none_ok:
        return None
    if not isinstance(value, str):
        raise TypeError('"' + name + '" must be string' + (' or None' if none_ok else '') +
                        ', not ' + type(value).__name__)
    if len(value) != 1:
        raise TypeError('"' + name + '" must be a 1-character string')
    return value


_ABSENT = object()


class _Format:
    # The validated parameters of a reader or writer (CPython's _csv.Dialect): keyword
    # arguments first, then the dialect's attributes (a None attribute counts as given), then
    # the defaults; checked in CPython's order, with its messages.
    def __init__(self, dialect, overrides):
        if isinstance(dialect, str):
            dialect = get_dialect(dialect)
        for k in overrides:
            if k not in _PARAMS:
                raise TypeError("'" + k + "' is an invalid keyword argument for this function")
        def given(name):
            if name in overrides:
                return overrides[name]
            if dialect is not None:
                return getattr(dialect, name, _ABSENT)
            return _ABSENT
        def pick(name, default):
            value = given(name)
            return default if value is _ABSENT else value
        self.doublequote = bool(pick('doublequote', True))
        self.delimiter = _one_char('delimiter', pick('delimiter', ','), False)
        self.escapechar = _one_char('escapechar', pick('escapechar', None), True)
        lineterminator = pick('lineterminator', '\r\n')
        if lineterminator is not None and not isinstance(lineterminator, str):
            raise TypeError('"lineterminator" must be a string')
        self.lineterminator = lineterminator
        quotechar = pick('quotechar', '"')
        self.quotechar = _one_char('quotechar', quotechar, True)
        quoting = given('quoting')
        self.quoting = QUOTE_MINIMAL if quoting is _ABSENT else quoting
        if not isinstance(self.quoting, int):
            raise TypeError('"quoting" must be an integer')
        self.skipinitialspace = bool(pick('skipinitialspace', False))
        self.strict = bool(pick('strict', False))
        if self.quoting not in (QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE):
            raise TypeError('bad "quoting" value')
        if quotechar is None and quoting is _ABSENT:
            self.quoting = QUOTE_NONE
        if self.quoting != QUOTE_NONE and self.quotechar is None:
            raise TypeError('quotechar must be set if quoting enabled')
        if self.lineterminator is None:
            raise TypeError('lineterminator must be set')


def register_dialect(name, dialect=None, **fmtparams):
    if not isinstance(name, str):
        raise TypeError('dialect name must be a string')
    _dialects[name] = _Format(dialect, fmtparams)


def unregister_dialect(name):
    if name not in _dialects:
        raise Error('unknown dialect')
    del _dialects[name]


def get_dialect(name):
    try:
        return _dialects[name]
    except (KeyError, TypeError):
        raise Error('unknown dialect')


def list_dialects():
    return list(_dialects)


register_dialect('excel', excel)
register_dialect('excel-tab', excel_tab)
register_dialect('unix', unix_dialect)


# Reader states.
_START_RECORD = 0
_START_FIELD = 1
_ESCAPED_CHAR = 2
_IN_FIELD = 3
_IN_QUOTED_FIELD = 4
_ESCAPE_IN_QUOTED_FIELD = 5
_QUOTE_IN_QUOTED_FIELD = 6
_EAT_CRNL = 7
_AFTER_ESCAPED_CRNL = 8


class _Reader:
    def __init__(self, lines, dialect, overrides):
        self._lines = iter(lines)
        self.dialect = _Format(dialect, overrides)
        self.line_num = 0

    def __iter__(self):
        return self

    def __next__(self):
        self._fields = []
        self._field = []
        self._numeric = False
        self._state = _START_RECORD
        while True:
            try:
                line = next(self._lines)
            except StopIteration:
                if self._field or self._state == _IN_QUOTED_FIELD:
                    if self.dialect.strict:
                        raise Error('unexpected end of data')
                    self._save()
                    break
                raise
            if not isinstance(line, str):
                raise Error('iterator should return strings, not ' + type(line).__name__ +
                            ' (the file should be opened in text mode)')
            self.line_num += 1
            for c in line:
                self._step(c)
            self._step(None)
            if self._state == _START_RECORD:
                break
        fields = self._fields
        self._fields = []
        return fields

    def _add(self, c):
        if len(self._field) >= _limit:
            raise Error('field larger than field limit (' + str(_limit) + ')')
        self._field.append(c)

    def _save(self):
        field = ''.join(self._field)
        self._field = []
        if self._numeric:
            self._numeric = False
            field = float(field)
        self._fields.append(field)

    def _step(self, c):
        # One character of input, or None at the end of a line (CPython's EOL).
        d = self.dialect
        state = self._state
        newline = c == '\n' or c == '\r'
        if state == _START_RECORD:
            if c is None:
                return
            if newline:
                self._state = _EAT_CRNL
                return
            state = _START_FIELD
        if state == _START_FIELD:
            if newline or c is None:
                self._save()
                self._state = _START_RECORD if c is None else _EAT_CRNL
            elif c == d.quotechar and d.quoting != QUOTE_NONE:
                self._state = _IN_QUOTED_FIELD
            elif c == d.escapechar:
                self._state = _ESCAPED_CHAR
            elif c == ' ' and d.skipinitialspace:
                self._state = _START_FIELD
            elif c == d.delimiter:
                self._save()
                self._state = _START_FIELD
            else:
                if d.quoting == QUOTE_NONNUMERIC:
                    self._numeric = True
                self._add(c)
                self._state = _IN_FIELD
            return
        if state == _ESCAPED_CHAR:
            if newline:
                self._add(c)
                self._state = _AFTER_ESCAPED_CRNL
                return
            self._add('\n' if c is None else c)
            self._state = _IN_FIELD
            return
        if state == _AFTER_ESCAPED_CRNL:
            if c is None:
                return
            state = _IN_FIELD
        if state == _IN_FIELD:
            if newline or c is None:
                self._save()
                self._state = _START_RECORD if c is None else _EAT_CRNL
            elif c == d.escapechar:
                self._state = _ESCAPED_CHAR
            elif c == d.delimiter:
                self._save()
                self._state = _START_FIELD
            else:
                # The state is left as it was: after an escaped line break it stays
                # AFTER_ESCAPED_CRNL, so the record goes on past the line's end (CPython's).
                self._add(c)
            return
        if state == _IN_QUOTED_FIELD:
            if c is None:
                pass
            elif c == d.escapechar:
                self._state = _ESCAPE_IN_QUOTED_FIELD
            elif c == d.quotechar and d.quoting != QUOTE_NONE:
                self._state = _QUOTE_IN_QUOTED_FIELD if d.doublequote else _IN_FIELD
            else:
                self._add(c)
            return
        if state == _ESCAPE_IN_QUOTED_FIELD:
            self._add('\n' if c is None else c)
            self._state = _IN_QUOTED_FIELD
            return
        if state == _QUOTE_IN_QUOTED_FIELD:
            if d.quoting != QUOTE_NONE and c == d.quotechar:
                self._add(c)
                self._state = _IN_QUOTED_FIELD
            elif c == d.delimiter:
                self._save()
                self._state = _START_FIELD
            elif newline or c is None:
                self._save()
                self._state = _START_RECORD if c is None else _EAT_CRNL
            elif not d.strict:
                self._add(c)
                self._state = _IN_FIELD
            else:
                raise Error("'" + d.delimiter + "' expected after '" + d.quotechar + "'")
            return
        if state == _EAT_CRNL:
            if newline:
                return
            if c is None:
                self._state = _START_RECORD
                return
            raise Error('new-line character seen in unquoted field - do you need to open the '
                        'file in universal-newline mode?')


def reader(csvfile, dialect=None, **fmtparams):
    return _Reader(csvfile, dialect, fmtparams)


def _is_number(v):
    return isinstance(v, (int, float))


class _Writer:
    def __init__(self, f, dialect, overrides):
        write = getattr(f, 'write', None)
        if write is None or not callable(write):
            raise TypeError('argument 1 must have a "write" method')
        self._write = write
        self.dialect = _Format(dialect, overrides)

    def _field(self, value, quoted, out):
        d = self.dialect
        if value is None:
            text = ''
        elif isinstance(value, str):
            text = value
        else:
            text = str(value)
        specials = (d.delimiter, d.escapechar, d.quotechar)
        chars = []
        for c in text:
            if c in specials or c in d.lineterminator:
                escape = False
                if d.quoting == QUOTE_NONE:
                    escape = True
                else:
                    if c == d.quotechar:
                        if d.doublequote:
                            chars.append(d.quotechar)
                        else:
                            escape = True
                    elif c == d.escapechar:
                        escape = True
                    if not escape:
                        quoted = True
                if escape:
                    if d.escapechar is None:
                        raise Error('need to escape, but no escapechar set')
                    chars.append(d.escapechar)
            chars.append(c)
        body = ''.join(chars)
        if quoted:
            body = d.quotechar + body + d.quotechar
        out.append(body)

    def writerow(self, row):
        d = self.dialect
        try:
            items = iter(row)
        except TypeError:
            raise Error('iterable expected, not ' + type(row).__name__)
        parts = []
        for value in items:
            if d.quoting == QUOTE_NONNUMERIC:
                quoted = not _is_number(value)
            else:
                quoted = d.quoting == QUOTE_ALL
            self._field(value, quoted, parts)
        if len(parts) == 1 and parts[0] == '':
            if d.quoting == QUOTE_NONE:
                raise Error('single empty field record must be quoted')
            parts[0] = d.quotechar * 2
        return self._write(d.delimiter.join(parts) + d.lineterminator)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(csvfile, dialect=None, **fmtparams):
    return _Writer(csvfile, dialect, fmtparams)


class DictReader:
    def __init__(self, f, fieldnames=None, restkey=None, restval=None, dialect='excel',
                 *args, **kwds):
        if fieldnames is not None and iter(fieldnames) is fieldnames:
            fieldnames = list(fieldnames)
        self._fieldnames = fieldnames
        self.restkey = restkey
        self.restval = restval
        self.reader = reader(f, dialect, *args, **kwds)
        self.dialect = dialect
        self.line_num = 0

    def __iter__(self):
        return self

    @property
    def fieldnames(self):
        if self._fieldnames is None:
            try:
                self._fieldnames = next(self.reader)
            except StopIteration:
                pass
        self.line_num = self.reader.line_num
        return self._fieldnames

    @fieldnames.setter
    def fieldnames(self, value):
        self._fieldnames = value

    def __next__(self):
        if self.line_num == 0:
            self.fieldnames
        row = next(self.reader)
        self.line_num = self.reader.line_num
        while row == []:
            row = next(self.reader)
        names = self.fieldnames
        d = dict(zip(names, row))
        if len(names) < len(row):
            d[self.restkey] = row[len(names):]
        elif len(names) > len(row):
            for key in names[len(row):]:
                d[key] = self.restval
        return d


class DictWriter:
    def __init__(self, f, fieldnames, restval='', extrasaction='raise', dialect='excel',
                 *args, **kwds):
        if fieldnames is not None and iter(fieldnames) is fieldnames:
            fieldnames = list(fieldnames)
        self.fieldnames = fieldnames
        self.restval = restval
        if extrasaction.lower() not in ('raise', 'ignore'):
            raise ValueError("extrasaction (" + str(extrasaction) +
                             ") must be 'raise' or 'ignore'")
        self.extrasaction = extrasaction
        self.writer = writer(f, dialect, *args, **kwds)

    def writeheader(self):
        return self.writerow(dict(zip(self.fieldnames, self.fieldnames)))

    def _row(self, rowdict):
        if self.extrasaction == 'raise':
            wrong = [k for k in rowdict.keys() if k not in self.fieldnames]
            if wrong:
                raise ValueError('dict contains fields not in fieldnames: ' +
                                 ', '.join([repr(x) for x in wrong]))
        return [rowdict.get(key, self.restval) for key in self.fieldnames]

    def writerow(self, rowdict):
        return self.writer.writerow(self._row(rowdict))

    def writerows(self, rowdicts):
        # Row by row: the rows before a bad one are written, as CPython's.
        return self.writer.writerows(map(self._row, rowdicts))
