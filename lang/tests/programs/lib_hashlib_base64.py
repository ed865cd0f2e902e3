# hashlib (md5, sha1, SHA-2) on every length around the block sizes, and base64/binascii:
# values, alphabets, padding, strict (validate) and lenient decoding, and CPython's errors.
import hashlib, base64, binascii
for n in list(range(0, 140)) + [1000, 4096]:
    data = bytes((i * 7 + n) % 256 for i in range(n))
    line = [hashlib.new(a, data).hexdigest() for a in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")]
    e = base64.b64encode(data)
    assert base64.b64decode(e) == data
    if n % 13 == 0:
        print(n, line, e[:40], base64.urlsafe_b64encode(data)[-8:])
h = hashlib.sha256()
h.update(b"hello ")
c = h.copy()
h.update(b"world")
print(h.hexdigest(), c.hexdigest(), h.name, h.digest_size, h.block_size, hashlib.md5(b"x").digest())
print(sorted(hashlib.algorithms_guaranteed & {"md5", "sha256"}))
for bad in ("str", 5):
    try:
        hashlib.sha256(bad)
    except TypeError as e:
        print("TypeError", e)
try:
    hashlib.new("nope")
except ValueError as e:
    print("ValueError", e)
print(hashlib.new("SHA256", b"a").hexdigest())
print(base64.b64encode(b"\xfb\xff\xfe", b"-_"), base64.b64decode("-_/+", b"-_"), base64.urlsafe_b64decode("-_8="))
print(base64.b64decode("YW Jj\nZA=="), base64.b64decode(b"YWI=junk"), base64.standard_b64decode("YQ=="))
for bad in ("YWJ", "YWJjZ", "Y"):
    try:
        base64.b64decode(bad)
    except binascii.Error as e:
        print("Error", e, isinstance(e, ValueError))
try:
    base64.b64decode("YW Jj", validate=True)
except binascii.Error as e:
    print("Error", e)
print(base64.b64decode("YWJj", validate=True))
for bad in (5, "é"):
    try:
        base64.b64decode(bad)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
try:
    base64.b64encode("text")
except TypeError as e:
    print("TypeError", e)
print(base64.b16encode(b"\x01\xab"), base64.b16decode("01AB"), base64.b16decode("01ab", casefold=True))
for bad in ("01ab", "0"):
    try:
        base64.b16decode(bad)
    except binascii.Error as e:
        print("Error", e)
print(base64.encodebytes(bytes(range(100))))
print(base64.decodebytes(base64.encodebytes(b"abc" * 30)) == b"abc" * 30)
print(binascii.hexlify(b"\x00\xff"), binascii.unhexlify("00ff"), binascii.b2a_base64(b"hi"), binascii.a2b_base64("aGk="))
try:
    binascii.unhexlify("0g")
except binascii.Error as e:
    print("Error", e)
