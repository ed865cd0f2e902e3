import json
class Money:
    def __init__(self, amount, currency):
        self.amount = amount
        self.currency = currency
    def __repr__(self):
        return 'Money(%s %s)' % (self.amount, self.currency)
def decode(d):
    if set(d) == {'amount', 'currency'}:
        return Money(d['amount'], d['currency'])
    return d
doc = '{"order": 7, "total": {"amount": 12.5, "currency": "EUR"}, "lines": [{"amount": 5, "currency": "USD"}]}'
print(json.loads(doc, object_hook=decode))
print(json.loads(doc, object_pairs_hook=lambda pairs: [k for k, _ in pairs]))
print(json.dumps(json.loads(doc, object_hook=decode), default=lambda m: {'amt': m.amount, 'cur': m.currency}, sort_keys=True))
print(json.loads('[1.5, 2, 3.25]', parse_float=lambda s: 'F' + s), json.loads('{"n": 10}', parse_int=float))
