# os: what a job has of it: an environment (empty: a job runs with none), path names
# (`os.path`, POSIX rules), `fspath` and the constants. A job has no files, processes or
# working directory, so those functions are not in the subset (AttributeError names them);
# `cpu_count()` is 1 (a task runs on one core).
import posixpath as path

name = 'posix'
sep = '/'
altsep = None
extsep = '.'
pathsep = ':'
linesep = '\n'
curdir = '.'
pardir = '..'
devnull = '/dev/null'
defpath = '/bin:/usr/bin'
environ = {}


def getenv(key, default=None):
    if not isinstance(key, str):
        raise TypeError('str expected, not %s' % type(key).__name__)
    return environ.get(key, default)


def fspath(p):
    if isinstance(p, (str, bytes)):
        return p
    if hasattr(type(p), '__fspath__'):
        value = p.__fspath__()
        if isinstance(value, (str, bytes)):
            return value
        raise TypeError('expected %s.__fspath__() to return str or bytes, not %s'
                        % (type(p).__name__, type(value).__name__))
    raise TypeError('expected str, bytes or os.PathLike object, not %s' % type(p).__name__)


def cpu_count():
    return 1
