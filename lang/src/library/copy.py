# copy: shallow and deep copies (lists, dicts, sets, bytearrays, tuples, instances of user
# classes, with __copy__/__deepcopy__ honoured); everything else (numbers, str, bytes,
# functions, classes) is atomic.
import _sl

class Error(Exception):
    pass

error = Error

def copy(x):
    t = type(x)
    if t is list:
        return x[:]
    if t is dict:
        return x.copy()
    if t is set or t is bytearray:
        return x.copy()
    if _sl.is_instance(x):
        if hasattr(x, '__copy__'):
            return x.__copy__()
        return _sl.copy_instance(x)
    return x

def deepcopy(x, memo=None):
    if memo is None:
        memo = {}
    i = id(x)
    if i in memo:
        return memo[i]
    t = type(x)
    if t is list:
        y = []
        memo[i] = y
        for a in x:
            y.append(deepcopy(a, memo))
    elif t is tuple:
        items = [deepcopy(a, memo) for a in x]
        if i in memo:
            return memo[i]
        same = True
        for a, b in zip(items, x):
            if a is not b:
                same = False
                break
        y = x if same else tuple(items)
        memo[i] = y
    elif t is dict:
        y = {}
        memo[i] = y
        for k, v in x.items():
            y[deepcopy(k, memo)] = deepcopy(v, memo)
    elif t is set:
        y = set()
        memo[i] = y
        for a in x:
            y.add(deepcopy(a, memo))
    elif t is frozenset:
        y = frozenset([deepcopy(a, memo) for a in x])
        memo[i] = y
    elif t is bytearray:
        y = x.copy()
        memo[i] = y
    elif _sl.is_instance(x):
        if hasattr(x, '__deepcopy__'):
            y = x.__deepcopy__(memo)
            memo[i] = y
        else:
            y = _sl.copy_instance(x)
            memo[i] = y
            for k, v in _sl.instance_attrs(y):
                setattr(y, k, deepcopy(v, memo))
    else:
        return x
    _keep = memo.setdefault('.keep', [])
    _keep.append(x)
    return y
