# sys streams and metadata, io.StringIO, print(file=...), and sys.exit ending a program cleanly.
import sys
import io

print('to stdout', file=sys.stdout)
print('to stderr', file=sys.stderr)
n = sys.stdout.write('written\n')
print(n, sys.stderr.write('err\n'))
sys.stdout.writelines(['a\n', 'b\n'])
sys.stdout.flush()
print(sys.argv[:0], type(sys.argv).__name__, len(sys.argv) >= 1)
print(sys.version_info >= (3, 8), sys.version_info[0], sys.platform, sys.byteorder, sys.maxsize)
print(sys.stdout.isatty(), repr(sys.stderr)[:20])
print(file=None, end='none\n')

buf = io.StringIO()
print('hello', 42, sep=', ', file=buf)
print('x', end='', file=buf)
buf.write('yz\n')
print(repr(buf.getvalue()), buf.tell())
buf.seek(0)
print(repr(buf.readline()), repr(buf.read(3)), repr(buf.read()))
buf.seek(0)
print(list(buf))
s = io.StringIO('line1\nline2\nline3')
print(s.readlines(), s.read() == '')
s.seek(0)
s.write('LINE')
print(repr(s.getvalue()))
s.seek(0, 2)
s.write('!')
print(repr(s.getvalue()), s.truncate(5), repr(s.getvalue()))
with io.StringIO() as f:
    for i in range(1000):
        f.write(str(i))
    print(len(f.getvalue()))
print(f.closed)
try:
    f.getvalue()
except ValueError as e:
    print('ValueError', e)
try:
    io.StringIO().write(5)
except TypeError as e:
    print('TypeError', e)

def report():
    try:
        sys.exit(4)
    except SystemExit as e:
        print('caught', e.code if hasattr(e, 'code') else e.args[0])
report()
try:
    sys.exit()
finally:
    print('finally runs')
print('never printed')
