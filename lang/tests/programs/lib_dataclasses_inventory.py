# An inventory with nested dataclasses, typing annotations, class variables and JSON output.
import json
from dataclasses import dataclass, field, asdict, astuple, replace, fields, KW_ONLY
from typing import ClassVar, List, Optional, Dict


@dataclass
class Item:
    sku: str
    price: float
    qty: int = 0
    tags: List[str] = field(default_factory=list)
    currency: ClassVar[str] = 'EUR'

    def total(self):
        return self.price * self.qty


@dataclass
class Warehouse:
    name: str
    items: List[Item] = field(default_factory=list)
    manager: Optional[str] = None
    _: KW_ONLY
    open: bool = True
    notes: Dict[str, str] = field(default_factory=dict)

    def add(self, item):
        self.items.append(item)
        return self

    def value(self):
        return sum(i.total() for i in self.items)


w = Warehouse('north', manager='ada')
w.add(Item('a-1', 2.5, 4, ['fragile'])).add(Item('b-2', 10.0, 1))
w.notes['dock'] = 'east'
print(w)
print(w.value(), Item.currency, [f.name for f in fields(Item)], [f.name for f in fields(w)])
print(json.dumps(asdict(w), sort_keys=True))
print(astuple(w.items[0]))
cheaper = replace(w.items[0], price=1.0)
print(cheaper, cheaper == w.items[0], cheaper.tags is w.items[0].tags)
copy = asdict(w)
copy['items'][0]['tags'].append('changed')
print(w.items[0].tags)
try:
    Warehouse('south', [], None, False)
except TypeError as e:
    print('TypeError:', e)
print(Warehouse('south', open=False))
print(sorted(Item.__annotations__), Item.__annotations__['price'])
by_value = sorted([Item('x', 3.0, 2), Item('y', 1.0, 10), Item('z', 9.0, 0)], key=Item.total)
print([i.sku for i in by_value])
stock = {}
for item in w.items + [Item('a-1', 2.5, 1)]:
    stock[item.sku] = stock.get(item.sku, 0) + item.qty
print(stock)
try:
    {Item('a', 1.0): 1}
except TypeError as e:
    print('TypeError:', e)
