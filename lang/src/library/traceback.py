# traceback: printing and formatting exceptions as CPython 3.11 does — the `Traceback (most
# recent call last):` header, a `File` line per frame, causes chained with CPython's
# separator, then `Type: message` (module-qualified outside __main__ and builtins). The current
# exception (`print_exc`, `format_exc`) is the one the innermost running handler handles.
# Differences, from what a job has: no source text under each `File` line (a job carries its
# code, not its file) and no traceback objects (`e.__traceback__` is None; frames come from the
# exception itself).
import sys

import _sl

__all__ = ['print_exception', 'format_exception', 'format_exception_only', 'print_exc',
           'format_exc', 'format_tb', 'print_tb', 'extract_tb']

_sentinel = object()

_CAUSE = '\nThe above exception was the direct cause of the following exception:\n\n'
_CONTEXT = '\nDuring handling of the above exception, another exception occurred:\n\n'


def _pick(exc, value):
    if value is not _sentinel:
        return value
    return exc


def _limited(frames, limit):
    if limit is None:
        return frames
    if limit >= 0:
        return frames[:limit]
    return frames[limit:]


def format_exception_only(exc, /, value=_sentinel):
    exc = _pick(exc, value)
    if exc is None:
        return ['NoneType: None\n']
    t = type(exc)
    name = getattr(t, '__qualname__', None) or t.__name__
    module = getattr(t, '__module__', None) or 'builtins'
    if module not in ('__main__', 'builtins'):
        name = module + '.' + name
    try:
        text = str(exc)
    except Exception:
        text = '<exception str() failed>'
    if not text:
        return [name + '\n']
    return [name + ': ' + text + '\n']


def format_exception(exc, /, value=_sentinel, tb=_sentinel, limit=None, chain=True):
    exc = _pick(exc, value)
    lines = []
    seen = set()
    _format_chain(exc, limit, chain, lines, seen)
    return lines


def _format_chain(exc, limit, chain, lines, seen):
    if exc is None:
        lines.extend(format_exception_only(None))
        return
    seen.add(id(exc))
    if chain:
        cause = getattr(exc, '__cause__', None)
        context = getattr(exc, '__context__', None)
        if cause is not None:
            if id(cause) not in seen:
                _format_chain(cause, limit, chain, lines, seen)
                lines.append(_CAUSE)
        elif (context is not None and not getattr(exc, '__suppress_context__', False)
                and id(context) not in seen):
            _format_chain(context, limit, chain, lines, seen)
            lines.append(_CONTEXT)
    frames = _limited(_sl.format_tb(exc), limit)
    if frames:
        lines.append('Traceback (most recent call last):\n')
        lines.extend(frames)
    lines.extend(format_exception_only(exc))


def print_exception(exc, /, value=_sentinel, tb=_sentinel, limit=None, file=None, chain=True):
    if file is None:
        file = sys.stderr
    for line in format_exception(exc, value, tb, limit=limit, chain=chain):
        print(line, file=file, end='')


def format_exc(limit=None, chain=True):
    return ''.join(format_exception(sys.exception(), limit=limit, chain=chain))


def print_exc(limit=None, file=None, chain=True):
    print_exception(sys.exception(), limit=limit, file=file, chain=chain)


def format_tb(tb, limit=None):
    # `tb` is what `e.__traceback__` gives here (None) or, as an extension, the exception.
    if tb is None:
        return []
    return _limited(_sl.format_tb(tb), limit)


def print_tb(tb, limit=None, file=None):
    if file is None:
        file = sys.stderr
    for line in format_tb(tb, limit):
        print(line, file=file, end='')


def extract_tb(tb, limit=None):
    return format_tb(tb, limit)
