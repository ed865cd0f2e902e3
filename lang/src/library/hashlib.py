# hashlib: md5, sha1 and SHA-2 (sha224, sha256, sha384, sha512); digests are computed in Rust
# (`_sl.hash_digest`). A hash object keeps the bytes it was given, so it snapshots like any
# other value, and digests them when asked. sha3, blake2, shake and the key-derivation
# functions are not in the subset.
import _sl

_INFO = {
    'md5': (16, 64),
    'sha1': (20, 64),
    'sha224': (28, 64),
    'sha256': (32, 64),
    'sha384': (48, 128),
    'sha512': (64, 128),
}
algorithms_guaranteed = frozenset(_INFO)
algorithms_available = frozenset(_INFO)


def _data(data):
    if isinstance(data, str):
        raise TypeError('Strings must be encoded before hashing')
    if isinstance(data, bytearray):
        # A copy: the hash keeps its input until the digest, and the bytearray may change.
        return bytes(data)
    if not isinstance(data, bytes):
        raise TypeError('object supporting the buffer API required')
    return data


class HASH:
    def __init__(self, name, data=b''):
        self.name = name
        self.digest_size, self.block_size = _INFO[name]
        self._parts = [_data(data)]

    def update(self, data):
        self._parts.append(_data(data))

    def digest(self):
        if len(self._parts) != 1:
            self._parts = [b''.join(self._parts)]
        return _sl.hash_digest(self.name, self._parts[0])

    def hexdigest(self):
        return self.digest().hex()

    def copy(self):
        other = HASH(self.name)
        other._parts = list(self._parts)
        return other

    def __repr__(self):
        return '<%s _hashlib.HASH object>' % self.name


def new(name, data=b'', **kwargs):
    if not isinstance(name, str):
        raise TypeError('new() argument name must be str, not %s' % type(name).__name__)
    key = name.lower()
    if key not in _INFO:
        raise ValueError('unsupported hash type ' + name)
    return HASH(key, data)


def md5(string=b'', *, usedforsecurity=True):
    return HASH('md5', string)


def sha1(string=b'', *, usedforsecurity=True):
    return HASH('sha1', string)


def sha224(string=b'', *, usedforsecurity=True):
    return HASH('sha224', string)


def sha256(string=b'', *, usedforsecurity=True):
    return HASH('sha256', string)


def sha384(string=b'', *, usedforsecurity=True):
    return HASH('sha384', string)


def sha512(string=b'', *, usedforsecurity=True):
    return HASH('sha512', string)
