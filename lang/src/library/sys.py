# sys: what a job can use of CPython's. A job has no command line and no stdin: argv is
# [''] (as `python3 -c`); stdout and stderr are the job's two output streams.
import _sl

class _Stream:
    def __init__(self, fd, name):
        self._fd = fd
        self.name = '<' + name + '>'
        self.encoding = 'utf-8'
        self.closed = False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not ' + type(s).__name__)
        return _sl.write(self._fd, s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def __repr__(self):
        return "<_io.TextIOWrapper name='" + self.name + "' mode='w' encoding='utf-8'>"

stdout = _Stream(1, 'stdout')
stderr = _Stream(2, 'stderr')
__stdout__ = stdout
__stderr__ = stderr
argv = ['']
# A plain tuple: comparisons and indexing work, `.major` does not.
version_info = (3, 11, 7, 'final', 0)
version = '3.11.7 (slnode)'
hexversion = 0x30B07F0
platform = 'linux'
byteorder = 'little'
float_repr_style = 'short'

def exception():
    # The exception the innermost running `except` (or `finally`) handler handles.
    return _sl.exc_info()

def exc_info():
    # No traceback objects: the third item is None (`traceback` takes frames from the
    # exception).
    e = _sl.exc_info()
    if e is None:
        return (None, None, None)
    return (type(e), e, None)

def exit(status=None):
    if status is None:
        raise SystemExit
    raise SystemExit(status)

def getsizeof(obj, default=None):
    raise NotImplementedError('sys.getsizeof: object sizes are not those of CPython here')
