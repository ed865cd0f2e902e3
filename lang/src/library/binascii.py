# binascii: the conversions base64 and hex text need, with CPython's errors and messages
# (the base64 work is in Rust: `_sl.b64encode`, `_sl.b64decode`).
import _sl


class Error(ValueError):
    pass


class Incomplete(Exception):
    pass


def _bytes_arg(data):
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    raise TypeError("a bytes-like object is required, not '%s'" % type(data).__name__)


def _ascii_arg(data):
    if isinstance(data, str):
        try:
            return data.encode('ascii')
        except UnicodeEncodeError:
            raise ValueError('string argument should contain only ASCII characters')
    return _bytes_arg(data)


def b2a_base64(data, *, newline=True):
    out = _sl.b64encode(_bytes_arg(data), b'+/')
    return out + b'\n' if newline else out


def a2b_base64(data, *, strict_mode=False):
    out = _sl.b64decode(_ascii_arg(data), b'+/', bool(strict_mode))
    if isinstance(out, str):
        raise Error(out)
    return out


def hexlify(data, sep=None, bytes_per_sep=1):
    if sep is not None:
        return _bytes_arg(data).hex(sep, bytes_per_sep).encode('ascii')
    return _bytes_arg(data).hex().encode('ascii')


b2a_hex = hexlify


def unhexlify(hexstr):
    hexstr = _ascii_arg(hexstr)
    if len(hexstr) % 2:
        raise Error('Odd-length string')
    for c in hexstr:
        if not (48 <= c <= 57 or 65 <= c <= 70 or 97 <= c <= 102):
            raise Error('Non-hexadecimal digit found')
    return bytes.fromhex(hexstr.decode('ascii'))


a2b_hex = unhexlify
