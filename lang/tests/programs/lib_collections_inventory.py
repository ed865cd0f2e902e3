from collections import defaultdict, Counter, namedtuple, OrderedDict, deque
Item = namedtuple('Item', 'sku name qty price')
stock = [Item('A1', 'bolt', 120, 0.05), Item('B2', 'nut', 300, 0.03), Item('C3', 'gear', 12, 4.5), Item('A1', 'bolt', 30, 0.05)]
totals = defaultdict(int)
for it in stock:
    totals[it.sku] += it.qty
print(sorted(totals.items()))
value = {it.sku: round(totals[it.sku] * it.price, 2) for it in stock}
print(value)
orders = deque([('A1', 50), ('C3', 20), ('B2', 100), ('A1', 200)])
filled, backlog = [], []
while orders:
    sku, want = orders.popleft()
    if totals[sku] >= want:
        totals[sku] -= want
        filled.append(sku)
    else:
        backlog.append((sku, want - totals[sku]))
print(filled, backlog, dict(totals.items()))
demand = Counter(sku for sku, _ in [('A1', 1), ('B2', 2), ('A1', 3)])
print(demand.most_common(), OrderedDict(sorted(value.items(), key=lambda kv: kv[1])))
