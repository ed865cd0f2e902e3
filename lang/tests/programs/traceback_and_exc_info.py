# sys.exc_info()/sys.exception() inside handlers (and in functions they call), traceback's
# formatting (source lines filtered: a job has no source text), and which frames a traceback
# holds: one per frame an exception passed through, none added by a bare `raise`, an unmatched
# `except` or a `finally` re-raising, one more by `raise e`.
import sys
import traceback
import logging


def frames(text):
    # File lines without the path (CPython shows the script's absolute path) and without
    # source lines (CPython's only).
    shown = []
    for l in text.splitlines():
        if l.startswith('    ') or not l.strip('^ '):
            continue
        if l.startswith('  File "'):
            l = '  File' + l[l.index('", line'):]
        shown.append(l)
    return shown


def inner(n):
    if n == 0:
        raise ValueError('bottom reached')
    return inner(n - 1)


def current():
    return sys.exception()


print(sys.exc_info(), sys.exception())
try:
    inner(3)
except ValueError as e:
    print(sys.exc_info()[0].__name__, sys.exc_info()[1], sys.exc_info()[1] is e, current() is e)
    print(frames(traceback.format_exc()))
    print(traceback.format_exception_only(e), traceback.format_exception_only(type(e), e))
    print(frames(''.join(traceback.format_exception(type(e), e, e.__traceback__))))
    print(frames(''.join(traceback.format_exception(e, limit=2))))
    print(frames(''.join(traceback.format_exception(e, limit=-1))))
    try:
        {}['k']
    except KeyError:
        print(repr(sys.exception()))
    print(repr(sys.exception()))
print(sys.exc_info())


def reraise_bare():
    try:
        1 / 0
    except ZeroDivisionError:
        raise


def reraise_named():
    try:
        1 / 0
    except ZeroDivisionError as z:
        raise z


def unmatched():
    try:
        [][1]
    except KeyError:
        pass


def through_finally():
    try:
        int('x')
    finally:
        print('finally ran', repr(sys.exception()))


class Managed:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def through_with():
    with Managed():
        raise OSError('in with')


for f in (reraise_bare, reraise_named, unmatched, through_finally, through_with):
    try:
        f()
    except Exception:
        print(f.__name__, frames(traceback.format_exc()))

try:
    try:
        1 / 0
    except ZeroDivisionError as z:
        raise RuntimeError('wrapped') from z
except RuntimeError:
    print(frames(traceback.format_exc()))
print(traceback.format_exception(ValueError('never raised')))


class MyErr(Exception):
    pass


print(traceback.format_exception_only(MyErr()), traceback.format_exception_only(None))
try:
    raise MyErr('m')
except MyErr:
    print(frames(traceback.format_exc()))
    print(frames(traceback.format_exc(limit=0)))


def gen():
    try:
        raise KeyError('g')
    except KeyError:
        yield sys.exception()
    yield sys.exception()


g = gen()
print(repr(next(g)), repr(next(g)))

import io
log = io.StringIO()
logging.basicConfig(stream=log, format='%(levelname)s %(message)s')
try:
    inner(1)
except ValueError:
    logging.exception('failed with %d', 7)
try:
    inner(0)
except ValueError as err:
    logging.error('as value', exc_info=err)
print(frames(log.getvalue()))
try:
    inner(6)
except ValueError:
    print(frames(traceback.format_exc()))


def left_early():
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            return 1
    finally:
        print('finally after return', sys.exception())


left_early()
for i in range(2):
    try:
        try:
            raise KeyError(i)
        except KeyError:
            try:
                raise ValueError('inner')
            except ValueError:
                continue
            finally:
                print('inner finally', repr(sys.exception()))
    finally:
        print('outer finally', repr(sys.exception()))


class Sees:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        print('__exit__ sees', repr(sys.exception()))
        return True


with Sees():
    raise ValueError('in with body')
with Sees():
    pass
print(sys.exception())


def g3():
    yield from iter([1, 2, 3])


it = g3()
next(it)
try:
    it.throw(KeyError('thrown'))
except KeyError:
    print(frames(traceback.format_exc())[1:])

inner(4)
