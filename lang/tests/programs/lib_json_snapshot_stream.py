import json
state = {'seen': 0, 'sum': 0, 'keys': set()}
for i in range(400):
    rec = json.loads(json.dumps({'i': i, 'v': i * 0.5, 'tag': 't%d' % (i % 5)}))
    state['seen'] += 1
    state['sum'] += rec['v']
    state['keys'].add(rec['tag'])
print(state['seen'], state['sum'], sorted(state['keys']))
