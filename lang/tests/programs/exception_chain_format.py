# Implicit chaining (__context__), explicit (__cause__, `from None`), __suppress_context__, and
# the tracebacks printed for a chain (source lines filtered: CPython's only).
import traceback, sys


def frames(text):
    shown = []
    for l in text.splitlines():
        if l.startswith('    ') or not l.strip('^ '):
            continue
        if l.startswith('  File "'):
            l = '  File' + l[l.index('", line'):]
        shown.append(l)
    return '\n'.join(shown)


def f():
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("bad value")
try:
    f()
except ValueError as e:
    print(type(e.__context__).__name__, e.__cause__, e.__suppress_context__)
    print(frames(''.join(traceback.format_exception(e))))
def g():
    try:
        {}['k']
    except KeyError as k:
        raise RuntimeError("x") from k
try:
    g()
except RuntimeError as e:
    print(repr(e.__cause__), repr(e.__context__), e.__suppress_context__)
    print(frames(traceback.format_exc()))
try:
    try:
        raise KeyError(1)
    except KeyError:
        raise TypeError("t") from None
except TypeError as e:
    print(e.__cause__, repr(e.__context__), e.__suppress_context__)
    print(frames(traceback.format_exc()))
# context cycle
try:
    try:
        raise ValueError(1)
    except ValueError as a:
        try:
            raise TypeError(2)
        except TypeError as b:
            raise a
except ValueError as e:
    print(repr(e.__context__), repr(e.__context__.__context__))
e = ValueError(3)
e.__cause__ = KeyError(4)
print(e.__suppress_context__)
try:
    e.__cause__ = 5
except TypeError as t:
    print(t)
try:
    e.__context__ = 5
except TypeError as t:
    print(t)
# nested handlers in finally
def h():
    try:
        raise OSError("disk")
    finally:
        print("finally", sys.exception())
try:
    h()
except OSError as e:
    print(repr(e.__context__))
# generator
def gen():
    try:
        yield 1
    except GeneratorExit:
        pass
    try:
        raise IndexError
    except IndexError:
        yield 2
        raise StopIteration
try:
    it = gen(); next(it); print(next(it)); next(it)
except Exception as e:
    print(type(e).__name__, repr(e.__context__))
def deep(n):
    if n == 0:
        try:
            raise LookupError("deep")
        except LookupError:
            raise AttributeError("up")
    deep(n - 1)
try:
    try:
        deep(3)
    except AttributeError as e:
        raise SystemError("s") from e
except SystemError:
    print(frames(traceback.format_exc()))
class MyErr(Exception): pass
try:
    try:
        [][1]
    except IndexError:
        raise MyErr("m")
except MyErr as e:
    print(frames(traceback.format_exc()))
try:
    raise ValueError("c") from ValueError("d")
except ValueError:
    print(frames(traceback.format_exc()))
try:
    try:
        raise ValueError("c")
    except ValueError as v:
        v.__suppress_context__ = True
        raise TypeError("e")
except TypeError:
    print(frames(traceback.format_exc(chain=False)))
    print(frames(traceback.format_exc()))
