from itertools import groupby
from operator import itemgetter
sales = [('2024-01', 'north', 100), ('2024-01', 'south', 80), ('2024-02', 'north', 120), ('2024-02', 'north', 30), ('2024-03', 'south', 90)]
for month, rows in groupby(sales, key=itemgetter(0)):
    rows = list(rows)
    print(month, sum(r[2] for r in rows), sorted({r[1] for r in rows}))
by_region = sorted(sales, key=itemgetter(1))
print({region: sum(r[2] for r in rows) for region, rows in groupby(by_region, key=itemgetter(1))})
runs = [(k, len(list(g))) for k, g in groupby([1, 1, 0, 0, 0, 1, 0, 1, 1, 1])]
print(runs, max(n for k, n in runs if k == 1))
print([list(g) for k, g in groupby('aAbBBa', key=str.lower)])
