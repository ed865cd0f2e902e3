a, b = 0b1100, 0b1010
print(a & b, a | b, a ^ b, ~a, a << 3, a >> 2, -a >> 1, -1 << 4)
print(bin(a), hex(255), oct(8), int("ff", 16), int("0b101", 0), int("777", 8))
flags = 0
for bit in [0, 3, 5]:
    flags |= 1 << bit
print(flags, [i for i in range(8) if flags & (1 << i)])
x = 0xFFFF
x &= 0x0F0F
x ^= 0x0001
x >>= 1
x <<= 2
print(x, (5).bit_length(), True & False, True | False)
def popcount(n):
    c = 0
    while n:
        n &= n - 1
        c += 1
    return c
print([popcount(i) for i in range(10)])
