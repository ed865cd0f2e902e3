# base64: RFC 4648's base64 (standard and URL-safe alphabets) and base16, as CPython's module
# (binascii's errors and messages). base32 and base85 are not in the subset.
import _sl
import binascii

def _bytes_from_decode_data(s):
    if isinstance(s, str):
        try:
            return s.encode('ascii')
        except UnicodeEncodeError:
            raise ValueError('string argument should contain only ASCII characters')
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    raise TypeError("argument should be a bytes-like object or ASCII string, not '%s'"
                    % s.__class__.__name__)


def _input_type_check(s):
    if not isinstance(s, (bytes, bytearray)):
        raise TypeError("expected bytes-like object, not %s" % s.__class__.__name__)


def b64encode(s, altchars=None):
    if altchars is None:
        return binascii.b2a_base64(s, newline=False)
    assert len(altchars) == 2, repr(altchars)
    return _sl.b64encode(binascii._bytes_arg(s), altchars)


def b64decode(s, altchars=None, validate=False):
    s = _bytes_from_decode_data(s)
    alt = b'+/'
    if altchars is not None:
        altchars = _bytes_from_decode_data(altchars)
        assert len(altchars) == 2, repr(altchars)
        alt = altchars
    out = _sl.b64decode(s, alt, bool(validate))
    if isinstance(out, str):
        raise binascii.Error(out)
    return out


def standard_b64encode(s):
    return b64encode(s)


def standard_b64decode(s):
    return b64decode(s)


def urlsafe_b64encode(s):
    return b64encode(s, b'-_')


def urlsafe_b64decode(s):
    return b64decode(_bytes_from_decode_data(s), b'-_')


def b16encode(s):
    return binascii.hexlify(s).upper()


def b16decode(s, casefold=False):
    s = _bytes_from_decode_data(s)
    if casefold:
        s = s.upper()
    for c in s:
        if not (48 <= c <= 57 or 65 <= c <= 70):
            raise binascii.Error('Non-base16 digit found')
    return binascii.unhexlify(s)


MAXLINESIZE = 76
MAXBINSIZE = (MAXLINESIZE // 4) * 3


def encodebytes(s):
    _input_type_check(s)
    pieces = []
    for i in range(0, len(s), MAXBINSIZE):
        pieces.append(binascii.b2a_base64(s[i: i + MAXBINSIZE]))
    return b"".join(pieces)


def decodebytes(s):
    _input_type_check(s)
    return binascii.a2b_base64(s)
