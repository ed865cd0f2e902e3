import json
records = []
for i in range(20):
    records.append({'id': i, 'name': 'item%d' % i, 'price': round(i * 1.37, 2), 'tags': ['t%d' % (i % 3), 'x'] if i % 2 else [], 'active': i % 3 == 0, 'parent': None if i < 2 else i // 2})
text = json.dumps(records, sort_keys=True)
back = json.loads(text)
print(back == records, len(text), text[:120])
print(sum(r['price'] for r in back), [r['id'] for r in back if r['active']])
pretty = json.dumps({'records': records[:3]}, indent=2)
print(pretty)
print(json.loads(pretty)['records'][2]['tags'])
big = {'ints': [2**64, -2**70, 0], 'floats': [0.1, 1e-7, 123456789.125, 1e22, float('inf'), -float('inf')]}
print(json.dumps(big))
print(json.loads(json.dumps(big))['ints'])
print(json.loads('[NaN]')[0] != json.loads('[NaN]')[0], json.loads('[Infinity, -Infinity]'))
