# warnings: CPython 3.11's default filters, actions (default/once/module/always/error/ignore),
# registries keyed by line, stacklevel, catch_warnings(record=True), filter validation. The
# messages go to a StringIO (CPython adds a source line under each; a job has no source).
import io
import sys
import warnings
captured = io.StringIO()
sys.stderr = captured
warnings.warn('plain')
warnings.warn('plain')
warnings.warn('dep', DeprecationWarning)
warnings.warn('pending', PendingDeprecationWarning)
class W(UserWarning):
    pass
warnings.warn(W('inst'))
def helper():
    warnings.warn('from helper', stacklevel=2)
helper()
helper()
with warnings.catch_warnings(record=True) as log:
    warnings.simplefilter('always')
    warnings.warn('a')
    warnings.warn('a')
    print(len(log), log[0].message, log[0].category.__name__, log[0].lineno, str(log[0]).split(', filename')[0])
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    warnings.warn('hidden')
warnings.warn('shown after catch')
for bad in ['bogus']:
    try:
        warnings.filterwarnings(bad)
    except AssertionError as e:
        print('AssertionError', e)
try:
    warnings.warn('x', int)
except TypeError as e:
    print('TypeError', e)
warnings.filterwarnings('error', message='boo', category=RuntimeWarning)
try:
    warnings.warn('BOOM', RuntimeWarning)
except RuntimeWarning as e:
    print('raised', repr(e))
warnings.warn('other runtime', RuntimeWarning)
print([(f[0], f[2].__name__, f[4]) for f in warnings.filters][:3])
print(repr(warnings.formatwarning('m', UserWarning, 'f.py', 3)))
warnings.simplefilter('once')
for i in range(3):
    warnings.warn('once only')
warnings.simplefilter('module')
for i in range(2):
    warnings.warn('per module')
warnings.resetwarnings()
print(warnings.filters)
warnings.warn('after reset')
warnings.warn('after reset')
with warnings.catch_warnings(record=True) as outer:
    warnings.simplefilter('always')
    with warnings.catch_warnings():
        warnings.warn('inner')
    warnings.warn('outer')
print([str(w.message) for w in outer])
warnings.warn('deep', stacklevel=5)
sys.stderr = sys.__stderr__
for line in captured.getvalue().splitlines():
    if not line.startswith('  '):
        # The script's path differs between interpreters' ways of naming it: keep the rest.
        print(line[line.index('.py:') + 4:] if '.py:' in line else line)
