# OSError's errno/strerror/filename fields and its str, builtin exception classes' __mro__,
# __bases__, __module__ and __qualname__.
for make in (lambda: OSError(5, 'io', 'f.txt'), lambda: OSError(5, 'io', 'a', None, 'b'),
             lambda: OSError(5, 'io'), lambda: OSError('just text'), lambda: OSError(1, 2, 3, 4, 5, 6),
             lambda: FileNotFoundError(2, 'nf', 'x'), lambda: PermissionError(13, 'denied', '/etc/shadow'),
             lambda: OSError()):
    e = make()
    print(repr(e), e.args, str(e), e.errno, e.strerror, e.filename, e.filename2)


class MyErr(OSError):
    pass


m = MyErr(1, 'perm')
print(str(m), m.errno, m.strerror, m.args)
try:
    raise FileExistsError(17, 'File exists', 'out.txt')
except OSError as e:
    print(type(e).__name__, e, e.errno, e.filename)
print(ValueError.__mro__, KeyError.__bases__, ValueError.__module__, ValueError.__qualname__)
print(FileNotFoundError.__mro__, BaseException.__bases__, Exception.__bases__)
print([c.__name__ for c in ZeroDivisionError.__mro__])
