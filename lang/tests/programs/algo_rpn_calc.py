import operator
OPS = {'+': operator.add, '-': operator.sub, '*': operator.mul, '/': operator.truediv, '^': operator.pow}
PREC = {'+': 1, '-': 1, '*': 2, '/': 2, '^': 3}
def to_rpn(tokens):
    out, stack = [], []
    for t in tokens:
        if t in OPS:
            while stack and stack[-1] in OPS and (PREC[stack[-1]] > PREC[t] or (PREC[stack[-1]] == PREC[t] and t != '^')):
                out.append(stack.pop())
            stack.append(t)
        elif t == '(':
            stack.append(t)
        elif t == ')':
            while stack[-1] != '(':
                out.append(stack.pop())
            stack.pop()
        else:
            out.append(t)
    while stack:
        out.append(stack.pop())
    return out
def eval_rpn(rpn):
    st = []
    for t in rpn:
        if t in OPS:
            b, a = st.pop(), st.pop()
            st.append(OPS[t](a, b))
        else:
            st.append(float(t) if '.' in t else int(t))
    return st[0]
for expr in ['3 + 4 * 2 / ( 1 - 5 ) ^ 2 ^ 3', '( 1 + 2 ) * ( 3 + 4 )', '2 ^ 10 - 24', '7 / 2 * 1.5']:
    rpn = to_rpn(expr.split())
    print(' '.join(rpn), '=', eval_rpn(rpn))
