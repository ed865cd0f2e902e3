import sys
try:
    1/0
except Exception as e:
    print(e.args, repr(e))
def inner():
    yield 1
    raise StopIteration
def outer():
    yield from inner()
try:
    print(list(outer()))
except RuntimeError as e:
    print(repr(e), repr(e.__cause__), e.__suppress_context__, repr(e.__context__))
def g3():
    try:
        yield 1
    finally:
        raise StopIteration
it = g3(); next(it)
try:
    it.close()
except RuntimeError as e:
    print("close:", repr(e))
# exception in except in a loop keeps the most recent context
for i in range(3):
    try:
        try:
            raise KeyError(i)
        except KeyError:
            raise ValueError(i)
    except ValueError as e:
        print(repr(e.__context__), e.__context__.__context__)
# exception raised in a function called from a handler
def helper():
    raise IndexError("h")
try:
    try:
        raise OSError("o")
    except OSError:
        helper()
except IndexError as e:
    print(repr(e.__context__))
# with statement
class CM:
    def __enter__(self): return self
    def __exit__(self, *a):
        raise TypeError("exit")
try:
    with CM():
        raise ValueError("body")
except TypeError as e:
    print(repr(e.__context__))
# except* not; else clause
try:
    try:
        pass
    except Exception:
        pass
    else:
        raise ValueError("else")
except ValueError as e:
    print(repr(e.__context__))
# after handler finished, no context
try:
    raise KeyError("a")
except KeyError:
    pass
try:
    raise ValueError("b")
except ValueError as e:
    print(repr(e.__context__))
# raise same exception object re-raised: context not self
try:
    try:
        raise ValueError("x")
    except ValueError as e:
        raise e
except ValueError as e:
    print(repr(e.__context__))
try:
    raise ValueError("c") from KeyError("k")
except ValueError as e:
    print(repr(e.__cause__), e.__suppress_context__, repr(e.__context__))
try:
    raise ValueError("c") from None
except ValueError as e:
    print(repr(e.__cause__), e.__suppress_context__, repr(e.__context__))
def final():
    try:
        raise ValueError(1)
    except ValueError:
        raise KeyError(2) from TypeError(3)
final()
