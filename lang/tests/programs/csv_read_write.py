# csv: CPython 3.11's reader state machine, writer quoting, dialects, DictReader/DictWriter and
# their errors.
import csv
import io
import sys

text = 'name,qty,note\r\nwidget,3,"says ""hi"""\r\ngadget,,"two\r\nlines"\r\n\r\n"x, y",7 ,\r\n'
for row in csv.reader(io.StringIO(text, newline='')):
    print(row)
print(list(csv.reader(['a,"b\nc",d', '"x""y",z ', ' q, r'])))
print(list(csv.reader(['a,"b', 'c'])))
print(list(csv.reader(['1,2,"3"', '"4", 5', '-1.5e3,0'], quoting=csv.QUOTE_NONNUMERIC)))
print(list(csv.reader(['a; b;"c;d"'], delimiter=';', skipinitialspace=True)))
print(list(csv.reader(['a\\,b,c\\\nd', 'e'], escapechar='\\')))
print(list(csv.reader(['"a\\"b",c'], escapechar='\\', doublequote=False)))
print(list(csv.reader(['a"b"c,d', '"ab"c,d'])))
print(list(csv.reader(['a,"b"', ''], quotechar=None)))
print(list(csv.reader(['a\tb\tc'], dialect='excel-tab')))
r = csv.reader(['x,y', '', '1,2'])
print([row for row in r], r.line_num)
for bad in (['"ab"c,d'], ['a,"b']):
    try:
        print(list(csv.reader(bad, strict=True)))
    except csv.Error as e:
        print('Error', e)
for bad in (['a\rb'], ['a\0b'], [b'bytes']):
    try:
        print(list(csv.reader(bad)))
    except csv.Error as e:
        print('Error', e)
try:
    list(csv.reader(['1,x'], quoting=csv.QUOTE_NONNUMERIC))
except ValueError as e:
    print('ValueError', e)

out = io.StringIO()
w = csv.writer(out)
w.writerow(['plain', 'with,comma', 'with "quote"', 'line\nbreak', '', None, 1.5, 2, True, ' pad '])
w.writerow([''])
w.writerow([])
w.writerow([None])
w.writerows([[1, 2], ('a', 'b'), 'xy'])
print(repr(out.getvalue()))
for kw in [dict(quoting=csv.QUOTE_ALL), dict(quoting=csv.QUOTE_NONNUMERIC),
           dict(quoting=csv.QUOTE_NONE, escapechar='\\'), dict(delimiter='|', lineterminator='\n'),
           dict(doublequote=False, escapechar='\\'), dict(dialect='unix'), dict(dialect='excel-tab'),
           dict(quotechar="'", quoting=csv.QUOTE_MINIMAL)]:
    out = io.StringIO()
    csv.writer(out, **kw).writerow(['a', 'b c', 'd|e', "f'g", 'h"i', 'j\\k', 1, 2.5, None, 'l\tm'])
    print(kw.get('dialect', kw.get('quoting')), repr(out.getvalue()))
print(csv.writer(sys.stdout).writerow(['returns', 'the', 'write']))
for kw in [dict(delimiter='ab'), dict(delimiter=None), dict(delimiter=''), dict(quoting=7),
           dict(quoting='1'), dict(quoting=None), dict(escapechar='ab'), dict(lineterminator=None),
           dict(lineterminator=5), dict(bogus=1), dict(quotechar=None, quoting=csv.QUOTE_ALL),
           dict(quotechar=None)]:
    try:
        w = csv.writer(io.StringIO(), **kw)
        print('ok', w.dialect.quoting)
    except TypeError as e:
        print('TypeError', e)
for row in (['a,b'], ['']):
    try:
        csv.writer(io.StringIO(), quoting=csv.QUOTE_NONE).writerow(row)
    except csv.Error as e:
        print('Error', e)
for args in ((5,), ):
    try:
        csv.writer(*args)
    except TypeError as e:
        print('TypeError', e)
try:
    csv.writer(io.StringIO()).writerow(5)
except csv.Error as e:
    print('Error', e)

print(csv.list_dialects())
csv.register_dialect('semi', delimiter=';', quoting=csv.QUOTE_ALL)
out = io.StringIO()
csv.writer(out, 'semi').writerow([1, 'a;b'])
print(repr(out.getvalue()), csv.get_dialect('semi').delimiter, repr(csv.get_dialect('semi').lineterminator))
class Pipes(csv.excel):
    delimiter = '|'
out = io.StringIO()
csv.writer(out, Pipes).writerow(['x|y', 2])
print(repr(out.getvalue()))
class Bare(csv.Dialect):
    delimiter = ';'
try:
    csv.writer(io.StringIO(), Bare)
except TypeError as e:
    print('TypeError', e)
csv.unregister_dialect('semi')
try:
    csv.get_dialect('semi')
except csv.Error as e:
    print('Error', e)
print(csv.field_size_limit(), csv.field_size_limit(10), csv.field_size_limit())
try:
    list(csv.reader(['a' * 11]))
except csv.Error as e:
    print('Error', e)
csv.field_size_limit(131072)

rows = [{'name': 'a', 'qty': 1}, {'name': 'b, c', 'qty': 2, 'extra': 'x'}, {'qty': 3}]
out = io.StringIO()
dw = csv.DictWriter(out, fieldnames=['name', 'qty'], extrasaction='ignore', restval='?')
dw.writeheader()
dw.writerows(rows)
print(repr(out.getvalue()))
try:
    csv.DictWriter(io.StringIO(), ['name']).writerow({'name': 1, 'other': 2})
except ValueError as e:
    print('ValueError', e)
try:
    csv.DictWriter(io.StringIO(), ['name'], extrasaction='bad')
except ValueError as e:
    print('ValueError', e)
dr = csv.DictReader(io.StringIO(out.getvalue() + '\r\nd,4,extra1,extra2\r\ne\r\n'), restkey='rest', restval='-')
print(dr.fieldnames)
for row in dr:
    print(row, dr.line_num)
dr = csv.DictReader(['x,y', '1,2'], fieldnames=['p', 'q'])
print(list(dr))
print(csv.DictReader([]).fieldnames)
print(csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE, csv.__version__)
out = io.StringIO()
try:
    csv.DictWriter(out, ['a']).writerows([{'a': 1}, {'a': 2}, {'a': 3, 'b': 4}])
except ValueError as e:
    print('ValueError', e)
print(repr(out.getvalue()))
class Loose(csv.Dialect):
    delimiter = ';'
try:
    Loose()
except csv.Error as e:
    print('Error', e)
for kw in (dict(escapechar=1), dict(quotechar=1), dict(delimiter=1)):
    try:
        csv.writer(io.StringIO(), **kw)
    except TypeError as e:
        print('TypeError', e)
r = csv.reader(['a', b'b'])
print(next(r), r.line_num)
try:
    next(r)
except csv.Error as e:
    import traceback
    print(r.line_num, traceback.format_exception_only(e))
