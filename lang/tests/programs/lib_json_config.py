import json
raw = '''
{
  "service": "api",
  "replicas": 3,
  "limits": {"cpu": 1.5, "memory": "512Mi"},
  "env": [{"name": "MODE", "value": "prod"}, {"name": "DEBUG", "value": "0"}],
  "enabled": true,
  "owner": null
}
'''
cfg = json.loads(raw)
print(cfg['service'], cfg['replicas'] * 2, cfg['limits']['cpu'], [e['name'] for e in cfg['env']], cfg['enabled'], cfg['owner'])
cfg['replicas'] += 1
cfg['env'].append({'name': 'REGION', 'value': 'eu'})
out = json.dumps(cfg, indent=2, sort_keys=True)
print(out)
print(json.loads(out) == cfg)
def flatten(obj, prefix=''):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from flatten(v, prefix + k + '.')
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from flatten(v, prefix + str(i) + '.')
    else:
        yield prefix[:-1], obj
for k, v in flatten(cfg):
    print(k, '=', json.dumps(v))
