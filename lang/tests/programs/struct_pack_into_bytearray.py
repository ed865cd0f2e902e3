# struct with bytearray buffers: pack_into, unpack_from, iter_unpack and their errors.
import struct
buf = bytearray(12)
struct.pack_into("<hI", buf, 2, -2, 7)
print(buf, struct.unpack_from("<hI", buf, 2), struct.unpack("<3I", buf))
s = struct.Struct(">H")
s.pack_into(buf, -2, 0xBEEF)
print(buf.hex(), list(s.iter_unpack(bytearray(b"\x00\x01\x00\x02"))))
for bad in [lambda: struct.pack_into("<I", buf, 10, 1), lambda: struct.pack_into("<I", b"1234", 0, 1),
            lambda: struct.pack_into("<I", buf, -13, 1), lambda: struct.pack_into("<I", buf, -2, 1)]:
    try:
        bad()
    except (struct.error, TypeError) as e:
        print(type(e).__name__, e)
