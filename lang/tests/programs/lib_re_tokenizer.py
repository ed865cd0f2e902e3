import re
TOKEN = re.compile(r'\s*(?:(\d+\.\d*|\d+)|(\w+)|(.))')
def tokenize(src):
    out = []
    for num, name, op in TOKEN.findall(src):
        if num:
            out.append(('NUM', float(num) if '.' in num else int(num)))
        elif name:
            out.append(('NAME', name))
        elif op.strip():
            out.append(('OP', op))
    return out
print(tokenize('x = 3.5 * (y + 42) - foo(7)'))
def evaluate(expr):
    tokens = [t for t in re.findall(r'\d+|[-+*/()]', expr)]
    pos = [0]
    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None
    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]
    def atom():
        t = take()
        if t == '(':
            v = add()
            take()
            return v
        return int(t)
    def mul():
        v = atom()
        while peek() in ('*', '/'):
            if take() == '*':
                v *= atom()
            else:
                v //= atom()
        return v
    def add():
        v = mul()
        while peek() in ('+', '-'):
            if take() == '+':
                v += mul()
            else:
                v -= mul()
        return v
    return add()
print(evaluate('2 + 3 * (4 - 1) / 2'), evaluate('((7))*6-2'))
log = '''2024-01-02 10:00:01 INFO start id=17
2024-01-02 10:00:05 WARN slow id=17 ms=350
2024-01-02 10:01:00 ERROR fail id=18 code=E42'''
LINE = re.compile(r'^(\S+) (\S+) (\w+) (\w+)((?: \w+=\w+)*)$', re.M)
for m in LINE.finditer(log):
    fields = dict(re.findall(r'(\w+)=(\w+)', m.group(5)))
    print(m.group(3), m.group(4), fields)
print(re.sub(r'(\d+)', lambda m: str(int(m.group(1)) * 2), 'a1 b22 c333'))
