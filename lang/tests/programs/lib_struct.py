# struct: sizes and alignment, byte orders, every code, round trips and CPython's errors.
import struct

for f in ('@bhilq', '=bhilq', '<bhilq', '@bhq', '@hd', '@ci', '@?', '@5s', '@3p', '@n', '@P', '@xh', '@hx', '@2h', '>4xI', '!Hh', 'd', '<0s'):
    print(f, struct.calcsize(f))
print(struct.pack('@bq', 1, 2), struct.pack('>HhI', 1, -2, 3), struct.pack('<qQ', -5, 2 ** 64 - 1), struct.pack('!i', -1))
print(struct.pack('<d', 0.1), struct.pack('>f', 0.1), struct.unpack('>f', struct.pack('>f', 0.1)), struct.unpack('<d', struct.pack('<d', -2.5e-300)))
print(struct.pack('<5s', b'ab'), struct.pack('<3p', b'abcdef'), struct.unpack('<3p', b'\x05ab'), struct.pack('>?', 5), struct.pack('<I', True), struct.pack('<2s?', b'ab', 0), struct.pack('<c', b'z'))
print(struct.unpack('<bhilq', struct.pack('<bhilq', -1, -300, -70000, 5, -2 ** 63)), struct.unpack('@bhilq', struct.pack('@bhilq', 1, 2, 3, 4, 5)))
print(struct.unpack('>3sc?', b'abcd\x01'), struct.unpack_from('<h', b'xx\x01\x00', 2), list(struct.iter_unpack('<h', b'\x01\x00\x02\x00')))
s = struct.Struct('<Ih')
print(s.size, s.format, s.pack(7, -7), s.unpack(s.pack(7, -7)))
print(struct.pack('<f', float('inf')), struct.unpack('<f', struct.pack('<f', 3.4e38)))
for f, v in (('@i', 2 ** 31), ('@I', -1), ('@l', 2 ** 63), ('@L', -1), ('@b', 200), ('@H', -1), ('=i', 2 ** 31), ('<i', 2 ** 31), ('<l', 2 ** 31), ('<L', 2 ** 32), ('@q', 2 ** 63), ('@n', 2 ** 63), ('@N', -1), ('<h', 40000), ('<B', -1), ('<I', 2 ** 32), ('<Q', -1), ('<h', 1.0), ('<c', b'ab'), ('<5s', 'x')):
    try:
        struct.pack(f, v)
    except struct.error as e:
        print(f, 'error', e)
for call in (lambda: struct.pack('<hh', 1), lambda: struct.unpack('<h', b'abc'), lambda: struct.pack('<y', 1), lambda: struct.pack('<f', 1e300), lambda: struct.calcsize('<3'), lambda: struct.unpack_from('<i', b'ab', 1), lambda: struct.pack('<n', 1)):
    try:
        call()
    except (struct.error, OverflowError) as e:
        print(type(e).__name__, e)
print(isinstance(struct.error('x'), Exception))
