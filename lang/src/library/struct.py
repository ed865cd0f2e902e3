# struct: packing values into bytes and back under a format (byte order `@ = < > !`, codes
# `x c b B ? h H i I l L q Q n N f d s p P`, repeat counts), CPython's sizes and alignment on
# x86-64 Linux, and its errors. Floats go through Rust (`_sl.float_pack`). Buffers may be bytes
# or bytearrays; `pack_into` writes into a bytearray. Not there: `e` (half floats).
import _sl


class error(Exception):
    pass


# code: (standard size, native size, native alignment, signed)
_INTS = {'b': (1, 1, 1, True), 'B': (1, 1, 1, False), 'h': (2, 2, 2, True),
         'H': (2, 2, 2, False), 'i': (4, 4, 4, True), 'I': (4, 4, 4, False),
         'l': (4, 8, 8, True), 'L': (4, 8, 8, False), 'q': (8, 8, 8, True),
         'Q': (8, 8, 8, False), 'n': (None, 8, 8, True), 'N': (None, 8, 8, False),
         'P': (None, 8, 8, False)}
_NAMED = {'b': 'byte', 'B': 'ubyte', 'h': 'short', 'H': 'ushort'}


def _parse(fmt):
    if isinstance(fmt, bytes):
        fmt = fmt.decode('ascii')
    if not isinstance(fmt, str):
        raise TypeError('Struct() argument 1 must be a str or bytes object, not %s'
                        % type(fmt).__name__)
    order = '@'
    if fmt and fmt[0] in '@=<>!':
        order = fmt[0]
        fmt = fmt[1:]
    native = order == '@'
    little = order in '@=<'
    items = []
    size = 0
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c.isspace():
            i += 1
            continue
        count = None
        while i < len(fmt) and fmt[i].isdigit():
            count = (count or 0) * 10 + int(fmt[i])
            i += 1
        if i == len(fmt):
            raise error('repeat count given without format specifier')
        c = fmt[i]
        i += 1
        n = 1 if count is None else count
        if c in _INTS:
            std, nat, align, signed = _INTS[c]
            if not native and std is None:
                raise error('bad char in struct format')
            width = nat if native else std
            if native:
                size = (size + align - 1) // align * align
            for _ in range(n):
                items.append((c, width, size))
                size += width
        elif c in 'fd':
            width = 4 if c == 'f' else 8
            if native:
                size = (size + width - 1) // width * width
            for _ in range(n):
                items.append((c, width, size))
                size += width
        elif c in 'c?':
            for _ in range(n):
                items.append((c, 1, size))
                size += 1
        elif c == 'x':
            size += n
        elif c in 'sp':
            items.append((c, n, size))
            size += n
        elif c == 'e':
            raise NotImplementedError("struct's 'e' (half float) format is not in the subset")
        else:
            raise error('bad char in struct format')
    return items, size, little, native


def _int_value(v):
    if isinstance(v, bool) or isinstance(v, int):
        return int(v)
    if hasattr(type(v), '__index__'):
        return v.__index__()
    raise error('required argument is not an integer')


def _range_error(c, width, native, lo, hi):
    if c in _NAMED:
        return error('%s format requires %d <= number <= %d' % (_NAMED[c], lo, hi))
    if width == 4 and (not native or c == 'i'):
        return error("'%s' format requires %d <= number <= %d" % (c, lo, hi))
    return error('argument out of range')


def _pack(items, size, little, native, values):
    if len(values) != len(items):
        raise error('pack expected %d items for packing (got %d)' % (len(items), len(values)))
    chunks = {}
    for (c, width, at), v in zip(items, values):
        if c in _INTS:
            v = _int_value(v)
            signed = _INTS[c][3]
            lo = -(1 << (8 * width - 1)) if signed else 0
            hi = (1 << (8 * width - 1)) - 1 if signed else (1 << (8 * width)) - 1
            if not lo <= v <= hi:
                raise _range_error(c, width, native, lo, hi)
            chunks[at] = v.to_bytes(width, 'little' if little else 'big', signed=signed)
        elif c in 'fd':
            if not isinstance(v, (int, float)):
                raise error('required argument is not a float')
            chunks[at] = _sl.float_pack(float(v), width, little)
        elif c == '?':
            chunks[at] = b'\x01' if v else b'\x00'
        elif c == 'c':
            if not isinstance(v, bytes) or len(v) != 1:
                raise error('char format requires a bytes object of length 1')
            chunks[at] = v
        elif c == 's':
            if isinstance(v, bytearray):
                v = bytes(v)
            if not isinstance(v, bytes):
                raise error("argument for 's' must be a bytes object")
            chunks[at] = v[:width] + b'\x00' * (width - len(v[:width]))
        elif c == 'p':
            if isinstance(v, bytearray):
                v = bytes(v)
            if not isinstance(v, bytes):
                raise error("argument for 'p' must be a bytes object")
            if width == 0:
                continue
            body = v[:width - 1]
            chunks[at] = bytes([min(len(body), 255)]) + body + b'\x00' * (width - 1 - len(body))
    parts = []
    pos = 0
    for at in sorted(chunks):
        if at > pos:
            parts.append(b'\x00' * (at - pos))
        parts.append(chunks[at])
        pos = at + len(chunks[at])
    if pos < size:
        parts.append(b'\x00' * (size - pos))
    return b''.join(parts)


def _unpack(items, size, little, buffer, what='unpack'):
    if isinstance(buffer, bytearray):
        buffer = bytes(buffer)
    if not isinstance(buffer, bytes):
        raise TypeError("a bytes-like object is required, not '%s'" % type(buffer).__name__)
    if len(buffer) != size:
        raise error('%s requires a buffer of %d bytes' % (what, size))
    out = []
    for c, width, at in items:
        chunk = buffer[at:at + width]
        if c in _INTS:
            out.append(int.from_bytes(chunk, 'little' if little else 'big',
                                      signed=_INTS[c][3]))
        elif c in 'fd':
            out.append(_sl.float_unpack(chunk, little))
        elif c == '?':
            out.append(chunk != b'\x00')
        elif c == 'c':
            out.append(chunk)
        elif c == 's':
            out.append(chunk)
        elif c == 'p':
            n = min(chunk[0], width - 1) if width else 0
            out.append(chunk[1:1 + n])
    return tuple(out)


class Struct:
    def __init__(self, format):
        self.format = format if isinstance(format, str) else format.decode('ascii')
        self._items, self.size, self._little, self._native = _parse(format)

    def pack(self, *values):
        return _pack(self._items, self.size, self._little, self._native, values)

    def unpack(self, buffer):
        return _unpack(self._items, self.size, self._little, buffer)

    def unpack_from(self, buffer, offset=0):
        if len(buffer) - offset < self.size:
            raise error('unpack_from requires a buffer of at least %d bytes for unpacking '
                        '%d bytes at offset %d (actual buffer size is %d)'
                        % (self.size + offset, self.size, offset, len(buffer)))
        return self.unpack(buffer[offset:offset + self.size])

    def pack_into(self, buffer, offset, *values):
        data = self.pack(*values)
        if not isinstance(buffer, bytearray):
            raise TypeError('argument must be read-write bytes-like object, not %s'
                            % type(buffer).__name__)
        n = len(buffer)
        if offset < 0:
            if offset + self.size > 0:
                raise error('no space to pack %d bytes at offset %d' % (self.size, offset))
            if offset + n < 0:
                raise error('offset %d out of range for %d-byte buffer' % (offset, n))
            offset += n
        if n - offset < self.size:
            raise error('pack_into requires a buffer of at least %d bytes for packing %d bytes '
                        'at offset %d (actual buffer size is %d)'
                        % (self.size + offset, self.size, offset, n))
        buffer[offset:offset + self.size] = data

    def iter_unpack(self, buffer):
        if self.size == 0:
            raise error('cannot iteratively unpack with a struct of length 0')
        if len(buffer) % self.size:
            raise error('iterative unpacking requires a buffer of a multiple of %d bytes'
                        % self.size)
        return iter([self.unpack(buffer[i:i + self.size])
                     for i in range(0, len(buffer), self.size)])

    def __repr__(self):
        return 'Struct(%r)' % (self.format,)


def calcsize(format):
    return _parse(format)[1]


def pack(format, *values):
    return Struct(format).pack(*values)


def unpack(format, buffer):
    return Struct(format).unpack(buffer)


def pack_into(format, buffer, offset, *values):
    return Struct(format).pack_into(buffer, offset, *values)


def unpack_from(format, buffer, offset=0):
    return Struct(format).unpack_from(buffer, offset)


def iter_unpack(format, buffer):
    return Struct(format).iter_unpack(buffer)
