# uuid: parsing every constructor form, fields and properties, uuid3/uuid5 against CPython,
# ordering, hashing, immutability and the errors.
import uuid

u = uuid.UUID('{12345678-1234-5678-1234-567812345678}')
print(u, repr(u), u.hex, u.int, u.urn, u.version, u.variant)
print(u.bytes, u.bytes_le, u.fields, u.time_low, u.time_mid, u.time_hi_version)
print(u.clock_seq_hi_variant, u.clock_seq_low, u.node, u.time, u.clock_seq)
for form in (dict(bytes=u.bytes), dict(bytes_le=u.bytes_le), dict(fields=u.fields), dict(int=u.int),
             dict(hex='urn:uuid:12345678123456781234567812345678')):
    print(sorted(form), uuid.UUID(**form) == u)
print(uuid.uuid3(uuid.NAMESPACE_DNS, 'python.org'))
print(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))
print(uuid.uuid3(uuid.NAMESPACE_URL, 'https://example.com/a'), uuid.uuid5(uuid.NAMESPACE_OID, '1.3.6.1'))
try:
    uuid.uuid3(uuid.NAMESPACE_URL, b'https://example.com/a')
except TypeError as e:
    print('TypeError', e)
print(uuid.uuid5(uuid.NAMESPACE_X500, 'cn=x').version, uuid.uuid3(uuid.NAMESPACE_DNS, 'a').variant)
v = uuid.UUID(int=5, version=4)
print(v, v.version, v.variant)
print(sorted([uuid.UUID(int=3), uuid.UUID(int=1), uuid.UUID(int=2)]))
print(uuid.UUID(int=7) == uuid.UUID(int=7), uuid.UUID(int=7) != uuid.UUID(int=8), uuid.UUID(int=1) < uuid.UUID(int=2))
print(len({uuid.UUID(int=9), uuid.UUID(int=9), uuid.UUID(int=10)}), int(uuid.UUID(int=42)), str(uuid.UUID(int=0)))
print(uuid.UUID(int=0).variant, uuid.UUID(int=(1 << 128) - 1).variant, uuid.UUID(int=0xc000 << 48).variant)
print(uuid.UUID(int=0).version, uuid.SafeUUID.unknown, u.is_safe)
for bad in (lambda: uuid.UUID(), lambda: uuid.UUID('1234'), lambda: uuid.UUID(bytes=b'x'),
            lambda: uuid.UUID(int=-1), lambda: uuid.UUID(int=1, version=9),
            lambda: uuid.UUID(fields=(1, 2, 3, 4, 5)), lambda: uuid.UUID(fields=(1 << 32, 0, 0, 0, 0, 0)),
            lambda: uuid.UUID(bytes_le=b'abc')):
    try:
        bad()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
try:
    u.int = 3
except TypeError as e:
    print(e)
print(u == '12345678-1234-5678-1234-567812345678', uuid.UUID(str(u)) == u, {u: 1}[uuid.UUID(u.hex)])
