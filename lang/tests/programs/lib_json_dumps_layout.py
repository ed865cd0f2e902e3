import json
doc = {'name': 'slnode', 'version': [1, 2, 3], 'nested': {'a': None, 'b': True, 'c': False, 'd': 1.5, 'e': []}, 'empty': {}, 'n': -7}
print(json.dumps(doc))
print(json.dumps(doc, indent=4))
print(json.dumps(doc, indent='\t', sort_keys=True))
print(json.dumps(doc, separators=(',', ':')))
print(json.dumps(doc, indent=2, separators=(', ', ' = ')))
print(json.dumps(doc, indent=0))
print(json.dumps([1, [2, [3, [4]]]], indent=1))
print(json.dumps('plain'), json.dumps(3), json.dumps(None), json.dumps(2.0), json.dumps(1e100), json.dumps(-0.0), json.dumps(1/3))
print(json.dumps((1, 2)), json.dumps([]), json.dumps({}), json.dumps([{}], indent=2))
print(json.dumps({3: 'int', 2.5: 'float', True: 'bool', None: 'none'}))
print(json.dumps({'b': 1, 'a': {'d': 1, 'c': 2}}, sort_keys=True, indent=1))
