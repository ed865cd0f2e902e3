def tokenize(text):
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit():
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            tokens.append(("num", float(text[i:j]) if "." in text[i:j] else int(text[i:j])))
            i = j
        elif ch in "+-*/()":
            tokens.append(("op", ch))
            i += 1
        else:
            raise SyntaxError(f"unexpected {ch!r} at {i}")
    return tokens

def parse(tokens):
    pos = 0
    def peek():
        return tokens[pos] if pos < len(tokens) else (None, None)
    def advance():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]
    def expr():
        value = term()
        while peek()[1] in ("+", "-"):
            op = advance()[1]
            value = value + term() if op == "+" else value - term()
        return value
    def term():
        value = factor()
        while peek()[1] in ("*", "/"):
            op = advance()[1]
            value = value * factor() if op == "*" else value / factor()
        return value
    def factor():
        kind, v = advance()
        if v == "(":
            inner = expr()
            advance()
            return inner
        if v == "-":
            return -factor()
        return v
    return expr()

for src in ["1 + 2 * 3", "(1 + 2) * 3", "10 / 4 - 1", "-(2 + 3) * 2.5", "2 * (3 + (4 - 1)) / 3"]:
    print(src, "=", parse(tokenize(src)))
print(tokenize("3.5*(x)") if False else tokenize("12+34"))
