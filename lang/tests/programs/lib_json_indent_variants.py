import json
data = {'a': [1, {'b': [2, 3]}, []], 'c': {}, 'd': 'text', 'e': [{'f': None}]}
for indent in (None, 0, 1, 3, '--', '\t'):
    print(repr(indent))
    print(json.dumps(data, indent=indent))
for seps in ((',', ':'), (', ', ': '), (';', '=')):
    print(json.dumps(data, separators=seps), json.dumps(data, indent=2, separators=seps)[:40])
