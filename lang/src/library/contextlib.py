# contextlib: contextmanager, suppress, nullcontext, closing, redirect-free ExitStack, as CPython's.

from functools import wraps


class _GeneratorContextManager:
    def __init__(self, func, args, kwds):
        self.gen = func(*args, **kwds)

    def __enter__(self):
        try:
            return next(self.gen)
        except StopIteration:
            raise RuntimeError("generator didn't yield") from None

    def __exit__(self, typ, value, traceback):
        if typ is None:
            try:
                next(self.gen)
            except StopIteration:
                return False
            raise RuntimeError("generator didn't stop")
        if value is None:
            value = typ()
        try:
            self.gen.throw(value)
        except StopIteration as exc:
            return exc is not value
        except BaseException as exc:
            if exc is value:
                return False
            raise
        raise RuntimeError("generator didn't stop after throw()")


def contextmanager(func):
    @wraps(func)
    def helper(*args, **kwds):
        return _GeneratorContextManager(func, args, kwds)
    return helper


class suppress:
    def __init__(self, *exceptions):
        self._exceptions = exceptions

    def __enter__(self):
        pass

    def __exit__(self, exctype, excinst, exctb):
        return exctype is not None and issubclass(exctype, self._exceptions)


class nullcontext:
    def __init__(self, enter_result=None):
        self.enter_result = enter_result

    def __enter__(self):
        return self.enter_result

    def __exit__(self, *excinfo):
        pass


class closing:
    def __init__(self, thing):
        self.thing = thing

    def __enter__(self):
        return self.thing

    def __exit__(self, *exc_info):
        self.thing.close()


class ExitStack:
    def __init__(self):
        self._exits = []

    def __enter__(self):
        return self

    def enter_context(self, cm):
        result = cm.__enter__()
        self._exits.append(cm.__exit__)
        return result

    def push(self, exit):
        if hasattr(exit, '__exit__'):
            self._exits.append(exit.__exit__)
        else:
            self._exits.append(exit)
        return exit

    def callback(self, callback, *args, **kwds):
        def _exit(typ, exc, tb):
            callback(*args, **kwds)
        self._exits.append(_exit)
        return callback

    def pop_all(self):
        new = ExitStack()
        new._exits = self._exits
        self._exits = []
        return new

    def close(self):
        self.__exit__(None, None, None)

    def __exit__(self, typ, exc, tb):
        received = exc is not None
        original = exc
        pending = None
        while self._exits:
            exit = self._exits.pop()
            try:
                if exit(typ, exc, tb):
                    typ = exc = tb = None
                    pending = None
            except BaseException as e:
                typ, exc, tb = type(e), e, None
                pending = e
        if pending is not None and pending is not original:
            raise pending
        return received and exc is None
