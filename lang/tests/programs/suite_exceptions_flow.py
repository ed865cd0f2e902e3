class AppError(Exception):
    pass
class NotFound(AppError):
    def __init__(self, key):
        super().__init__('not found: %s' % key)
        self.key = key
def lookup(d, k):
    try:
        return d[k]
    except KeyError as e:
        raise NotFound(k) from e
log = []
for k in ['a', 'b']:
    try:
        v = lookup({'a': 1}, k)
    except AppError as e:
        log.append(('error', str(e), type(e.__cause__).__name__, e.key))
    else:
        log.append(('ok', v))
    finally:
        log.append(('finally', k))
print(log)
def nested():
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            raise ValueError('converted')
    except ValueError as e:
        return 'caught ' + str(e)
print(nested())
def gen_cleanup():
    try:
        yield 1
        yield 2
    finally:
        print('cleanup ran')
g = gen_cleanup()
print(next(g))
g.close()
class Resource:
    def __enter__(self):
        print('enter')
        return self
    def __exit__(self, t, v, tb):
        print('exit', t.__name__ if t else None)
        return t is ValueError
with Resource():
    raise ValueError('swallowed')
try:
    with Resource():
        raise TypeError('propagates')
except TypeError as e:
    print('outer caught', e)
print(isinstance(NotFound('x'), LookupError), issubclass(NotFound, AppError), NotFound('q').args)
