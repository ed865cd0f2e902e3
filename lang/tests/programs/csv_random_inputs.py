# Random csv inputs and rows (seeded) read and written under random dialect options: rows,
# quoting and errors must be CPython 3.11's.
import csv, io, random
r = random.Random(7)
alphabet = ['a', 'b', ',', '"', '\n', '\r', '\\', ' ', ';', "'", '1', '.', '\0']
for i in range(500):
    text = ''.join(r.choice(alphabet) for _ in range(r.randrange(20)))
    lines = text.splitlines(True) if r.randrange(2) else text.split('\n')
    kw = {}
    if r.randrange(3) == 0: kw['escapechar'] = '\\'
    if r.randrange(4) == 0: kw['doublequote'] = False
    if r.randrange(4) == 0: kw['skipinitialspace'] = True
    if r.randrange(4) == 0: kw['strict'] = True
    if r.randrange(5) == 0: kw['quoting'] = r.choice([0, 1, 2, 3])
    if r.randrange(5) == 0: kw['delimiter'] = ';'
    if r.randrange(6) == 0: kw['quotechar'] = "'"
    try:
        print(i, list(csv.reader(lines, **kw)))
    except (csv.Error, ValueError, TypeError) as e:
        print(i, type(e).__name__, e)
    row = [r.choice(['', 'a', 'a,b', 'q"q', 'x\ny', ' s ', None, 1, 2.5, 'e\\f', 'semi;c']) for _ in range(r.randrange(4))]
    out = io.StringIO()
    try:
        csv.writer(out, **kw).writerow(row)
        print(i, repr(out.getvalue()))
    except (csv.Error, ValueError, TypeError) as e:
        print(i, type(e).__name__, e)
