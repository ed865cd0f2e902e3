import json
payload = json.loads('{"users": [{"id": 1, "name": "Ana", "roles": ["admin"]}, {"id": 2, "name": "Ben", "roles": []}], "page": {"n": 1, "of": 3}}')
admins = [u['name'] for u in payload['users'] if 'admin' in u['roles']]
print(admins, payload['page']['of'] - payload['page']['n'])
resp = {'ok': True, 'count': len(payload['users']), 'names': sorted(u['name'] for u in payload['users']), 'ratio': 1 / 3}
print(json.dumps(resp))
print(json.dumps(resp, separators=(',', ':'), sort_keys=True))
lines = '\n'.join(json.dumps({'i': i, 'sq': i * i}) for i in range(4))
print(lines)
print([json.loads(l)['sq'] for l in lines.splitlines()])
print(json.dumps({'unicode': 'naïve café', 'esc': '<tag> & "q"'}), json.dumps('ü', ensure_ascii=False))
