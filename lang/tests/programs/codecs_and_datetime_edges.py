# Edge cases a review found against CPython: timedelta divided by negatives, strptime's %j
# rollover and %I/%p rules, %C, repr order, astimezone()'s zone name, bytes.hex groups,
# int needles, error handlers, encoding-name normalisation, 3.11's base64 padding rule.
from datetime import datetime, date, timedelta, timezone
print(timedelta(microseconds=5) / -4, timedelta(microseconds=7) / -2.0, timedelta(microseconds=-5) / 4)
print(datetime.strptime("2021 366", "%Y %j") if False else datetime.strptime("2020 366", "%Y %j"), datetime.strptime("12:30", "%I:%M"), datetime.strptime("01 PM", "%H %p"), datetime.strptime("12:05 AM", "%I:%M %p"), datetime.strptime("12:05 PM", "%I:%M %p"))
print(date(999, 5, 1).strftime("%C|%Y"), date(2024, 5, 1).strftime("%C"))
print(repr(datetime(2024, 1, 1, fold=1, tzinfo=timezone.utc)), datetime(2024, 1, 1).astimezone(), repr(datetime(2024, 1, 1).astimezone().tzinfo))
print(b'\x01\x02\x03'.hex(':', 2), b'\x01\x02\x03'.hex(':', -2), b'\x01\x02\x03'.hex(b'-'), b'abc'.hex(), b'abc'.find(98), b'abc'.count(99), b'abcb'.rindex(98))
print('a€\U0001f600'.encode('ascii', 'backslashreplace'), 'a€'.encode('latin-1', 'xmlcharrefreplace'), b'a\xffb'.decode('ascii', 'backslashreplace'), b'\xf0\x9f\x98a'.decode('utf-8', 'backslashreplace'))
print('x'.encode('UTF 8'), 'x'.encode('latin 1'), b'x'.decode(' us '), 'x'.encode('CP65001'))
for call in (lambda: b'a'.hex('::'), lambda: 'é'.encode('ascii', 'foo'), lambda: b'a'.find(300), lambda: 'x'.encode(None), lambda: b'\xff'.decode('utf-8', 'bogus')):
    try:
        print(call())
    except (ValueError, LookupError, TypeError) as e:
        print(type(e).__name__, e)
import base64, binascii
print(base64.b64decode(b'YWJj=', validate=True), binascii.hexlify(b'\x01\x02', '-'))
