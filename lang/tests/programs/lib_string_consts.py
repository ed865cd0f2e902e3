import string
print(string.ascii_lowercase, string.ascii_uppercase, string.digits, string.hexdigits, string.octdigits)
print(repr(string.whitespace), len(string.printable), string.punctuation)
def caesar(text, k):
    lo, up = string.ascii_lowercase, string.ascii_uppercase
    table = {c: lo[(i + k) % 26] for i, c in enumerate(lo)}
    table.update({c: up[(i + k) % 26] for i, c in enumerate(up)})
    return ''.join(table.get(c, c) for c in text)
print(caesar('Hello, World!', 3), caesar(caesar('Round Trip', 11), 15))
print(string.capwords('the  quick brown\tfox'), string.capwords('a-b c-d', '-'))
print(all(c in string.printable for c in 'abc 123!'), sum(c in string.punctuation for c in 'a,b.c!'))
