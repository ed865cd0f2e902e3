class ConfigError(Exception):
    pass

def load(key, config):
    if key not in config:
        raise ConfigError(f"missing key {key!r}")
    return config[key]

print(load("a", {"a": 1}))
load("b", {"a": 1})
