from collections import ChainMap
defaults = {'color': 'red', 'user': 'guest', 'debug': False}
env = {'user': 'admin'}
cli = {'debug': True}
config = ChainMap(cli, env, defaults)
print(config['color'], config['user'], config['debug'], len(config), sorted(config))
print(config.get('missing', 'n/a'), 'user' in config, dict(config.items()) == {'debug': True, 'user': 'admin', 'color': 'red'})
config['color'] = 'blue'
print(cli, defaults['color'])
child = config.new_child({'user': 'root'})
print(child['user'], child.parents['user'], child.maps[0])
del config['color']
try:
    del config['user']
except KeyError as e:
    print('KeyError', e)
print(config, list(config.keys()))
