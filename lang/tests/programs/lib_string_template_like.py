import string
def is_hex(s):
    return len(s) > 0 and all(c in string.hexdigits for c in s)
print([is_hex(s) for s in ['ff', 'FF00', '0x1', '', 'abcg']])
def rot13(s):
    lo = string.ascii_lowercase
    up = string.ascii_uppercase
    out = []
    for c in s:
        if c in lo:
            out.append(lo[(lo.index(c) + 13) % 26])
        elif c in up:
            out.append(up[(up.index(c) + 13) % 26])
        else:
            out.append(c)
    return ''.join(out)
print(rot13('Hello, World!'), rot13(rot13('Round trip')))
print(''.join(c for c in 'a-b_c!d?' if c not in string.punctuation), [c for c in string.whitespace])
print(string.capwords("it's a dog's life"), len(string.ascii_letters), string.octdigits)
