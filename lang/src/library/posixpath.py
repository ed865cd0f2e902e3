# posixpath (os.path): path names under POSIX rules, as CPython's module computes them, for
# str paths. A job has no files and no working directory: `abspath` and `relpath` take `/` as
# the working directory, `expanduser` knows no home (an empty environment), and the functions
# that ask the file system (`exists`, `isfile`, `getsize`, `realpath`, …) are not in the subset.

sep = '/'
altsep = None
extsep = '.'
pathsep = ':'
curdir = '.'
pardir = '..'
defpath = '/bin:/usr/bin'
devnull = '/dev/null'
supports_unicode_filenames = False


def _str(p, fn):
    if isinstance(p, str):
        return p
    if hasattr(type(p), '__fspath__'):
        return _str(p.__fspath__(), fn)
    raise TypeError('%s() argument must be str, bytes, or os.PathLike object, not %r'
                    % (fn, type(p).__name__))


def normcase(s):
    return _str(s, 'normcase')


def isabs(s):
    return _str(s, 'isabs').startswith('/')


def join(a, *p):
    path = _str(a, 'join')
    for b in p:
        b = _str(b, 'join')
        if b.startswith('/'):
            path = b
        elif not path or path.endswith('/'):
            path += b
        else:
            path += '/' + b
    return path


def split(p):
    p = _str(p, 'split')
    i = p.rfind('/') + 1
    head, tail = p[:i], p[i:]
    if head and head != '/' * len(head):
        head = head.rstrip('/')
    return head, tail


def splitext(p):
    p = _str(p, 'splitext')
    sep_index = p.rfind('/')
    dot_index = p.rfind('.')
    if dot_index > sep_index:
        name_index = sep_index + 1
        while name_index < dot_index:
            if p[name_index] != '.':
                return p[:dot_index], p[dot_index:]
            name_index += 1
    return p, ''


def splitdrive(p):
    return _str(p, 'splitdrive')[:0], p


def basename(p):
    p = _str(p, 'basename')
    return p[p.rfind('/') + 1:]


def dirname(p):
    return split(_str(p, 'dirname'))[0]


def normpath(path):
    path = _str(path, 'normpath')
    if path == '':
        return '.'
    initial = 0
    if path.startswith('/'):
        initial = 2 if path.startswith('//') and not path.startswith('///') else 1
    kept = []
    for comp in path.split('/'):
        if comp in ('', '.'):
            continue
        if comp != '..' or (not initial and not kept) or (kept and kept[-1] == '..'):
            kept.append(comp)
        elif kept:
            kept.pop()
    path = '/' * initial + '/'.join(kept)
    return path or '.'


def abspath(path):
    path = _str(path, 'abspath')
    if not path.startswith('/'):
        path = join('/', path)
    return normpath(path)


def relpath(path, start=None):
    path = _str(path, 'relpath')
    if not path:
        raise ValueError('no path specified')
    start = curdir if start is None else _str(start, 'relpath')
    start_list = [x for x in abspath(start).split('/') if x]
    path_list = [x for x in abspath(path).split('/') if x]
    i = len(commonprefix([start_list, path_list]))
    rel = [pardir] * (len(start_list) - i) + path_list[i:]
    if not rel:
        return curdir
    return join(*rel)


def commonprefix(m):
    if not m:
        return ''
    s1 = min(m)
    s2 = max(m)
    for i, c in enumerate(s1):
        if c != s2[i]:
            return s1[:i]
    return s1


def commonpath(paths):
    paths = [_str(p, 'commonpath') for p in paths]
    if not paths:
        raise ValueError('commonpath() arg is an empty sequence')
    absolute = {p.startswith('/') for p in paths}
    if len(absolute) != 1:
        raise ValueError("Can't mix absolute and relative paths")
    split_paths = [[c for c in p.split('/') if c and c != '.'] for p in paths]
    s1 = min(split_paths)
    s2 = max(split_paths)
    common = s1
    for i, c in enumerate(s1):
        if c != s2[i]:
            common = s1[:i]
            break
    prefix = '/' if paths[0].startswith('/') else ''
    return prefix + '/'.join(common)


def expanduser(path):
    return _str(path, 'expanduser')


def expandvars(path):
    return _str(path, 'expandvars')
