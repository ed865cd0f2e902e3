# datetime: the calendar, arithmetic, formatting and parsing of dates, times, datetimes,
# durations and fixed-offset zones, against CPython (no clock: now() differs by nature).
from datetime import date, datetime, time, timedelta, timezone, MINYEAR, MAXYEAR
import datetime as dtmod

d = date(2024, 2, 28)
print(d, repr(d), d + timedelta(days=1), d + timedelta(days=2), d - date(2023, 1, 1))
print(d.weekday(), d.isoweekday(), d.isocalendar(), d.toordinal(), date.fromordinal(738944))
print(d.replace(day=1), d.ctime(), d.strftime("%A %d %B %Y, day %j, week %U/%W, %a %b %y %%"))
print(date.fromisoformat("2021-12-31"), date.fromisoformat("20211231"), date.fromisoformat("2021-W52-5"))
for y in (1, 4, 100, 400, 1900, 1999, 2000, 2020, 2021, 9999):
    for m, dd in ((1, 1), (2, 28), (3, 1), (12, 31)):
        x = date(y, m, dd)
        print(y, m, dd, x.toordinal(), date.fromordinal(x.toordinal()) == x, x.isocalendar(), x.strftime("%G-W%V-%u"))
print(date(2024, 1, 1) < date(2024, 1, 2), date(2024, 1, 1) == date(2024, 1, 1), hash(date(2024, 1, 1)) == hash(date(2024, 1, 1)))
print(date.min, date.max, date.resolution, MINYEAR, MAXYEAR)
for args in ((2023, 2, 29), (0, 1, 1), (2023, 13, 1), (2023, 4, 31)):
    try:
        date(*args)
    except ValueError as e:
        print("ValueError", e)
try:
    date(2020.0, 1, 1)
except TypeError as e:
    print("TypeError", e)

td = timedelta(days=1, hours=25, minutes=-1, seconds=0.5, microseconds=7)
print(td, repr(td), td.days, td.seconds, td.microseconds, td.total_seconds())
print(timedelta(0), repr(timedelta(0)), timedelta(-1), repr(timedelta(seconds=-1)), str(timedelta(seconds=-1)), timedelta(weeks=2, milliseconds=1.5))
print(timedelta(hours=1) * 2.5, timedelta(hours=1) / 3, timedelta(hours=1) / timedelta(minutes=7), timedelta(hours=1) // timedelta(minutes=7), timedelta(hours=1) % timedelta(minutes=7), divmod(timedelta(hours=1), timedelta(minutes=7)))
print(-timedelta(days=2, seconds=5), abs(timedelta(days=-2)), timedelta(seconds=1) == timedelta(microseconds=10 ** 6), timedelta(0) < timedelta(microseconds=1), bool(timedelta(0)))
print(timedelta.min, timedelta.max, timedelta.resolution, timedelta(microseconds=0.5), timedelta(microseconds=1.5), timedelta(seconds=1/3))
try:
    timedelta(days=10 ** 9)
except OverflowError as e:
    print("OverflowError", e)

dt = datetime(2024, 3, 10, 14, 5, 9, 123456)
print(dt, repr(dt), repr(datetime(2024, 3, 10)), repr(datetime(2024, 3, 10, 1)), repr(datetime(2024, 3, 10, 1, 2, 3)))
print(dt.isoformat(), dt.isoformat(" ", "milliseconds"), dt.isoformat(timespec="minutes"), dt.isoformat(timespec="hours"), datetime(2024, 1, 1).isoformat(timespec="auto"))
print(dt.date(), dt.time(), repr(dt.time()), dt + timedelta(hours=12), dt - timedelta(days=70), dt - datetime(2024, 1, 1))
print(dt.strftime("%Y-%m-%d %H:%M:%S.%f %I%p %c | %x %X"), f"{dt:%d/%m/%Y}", f"{d}", format(dt, ""))
print(dt.timestamp(), datetime.utcfromtimestamp(1700000000.5), datetime.fromtimestamp(0, timezone.utc), datetime.utcfromtimestamp(-1.25))
print(datetime.fromisoformat("2024-03-10T14:05:09"), datetime.fromisoformat("2024-03-10 14:05"), datetime.fromisoformat("2024-03-10T14:05:09.123+02:00"), datetime.fromisoformat("2024-03-10T14:05:09Z"), datetime.fromisoformat("2024-03-10"))
print(datetime.strptime("2024-03-10 14:05:09", "%Y-%m-%d %H:%M:%S"), datetime.strptime("10/Mar/24 2:05 PM", "%d/%b/%y %I:%M %p"), datetime.strptime("2024-070", "%Y-%j"), datetime.strptime("2024-03-10T14:05:09.5+0100", "%Y-%m-%dT%H:%M:%S.%f%z"))
for bad in (("2024-03-10x", "%Y-%m-%d"), ("2024/03/10", "%Y-%m-%d")):
    try:
        datetime.strptime(*bad)
    except ValueError as e:
        print("ValueError", e)
print(datetime.combine(d, time(8, 30)), datetime.combine(d, time(8, 30, tzinfo=timezone.utc)), dt.replace(year=2000, microsecond=0))
print(datetime(2024, 1, 1) == date(2024, 1, 1), date(2024, 1, 1) == datetime(2024, 1, 1))
try:
    datetime(2024, 1, 1) < date(2024, 1, 2)
except TypeError as e:
    print("TypeError", e)
try:
    date(2024, 1, 1) < datetime(2024, 1, 2)
except TypeError as e:
    print("TypeError", e)

utc, plus2, minus530 = timezone.utc, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30), "IST?")
a = datetime(2024, 3, 10, 12, 0, tzinfo=plus2)
print(a, repr(a), a.utcoffset(), a.tzname(), a.astimezone(utc), a.astimezone(minus530), a.timestamp())
print(repr(utc), repr(plus2), repr(minus530), str(plus2), str(utc), timezone(timedelta(0)), dtmod.UTC is timezone.utc, timezone.min, timezone.max)
print(a == datetime(2024, 3, 10, 10, 0, tzinfo=utc), a - datetime(2024, 3, 10, 0, 0, tzinfo=utc), hash(a) == hash(a.astimezone(utc)), a.strftime("%z %Z"))
print(a == datetime(2024, 3, 10, 10, 0))
for op in (lambda: a < datetime(2024, 3, 10), lambda: a - datetime(2024, 3, 10)):
    try:
        op()
    except TypeError as e:
        print("TypeError", e)
try:
    timezone(timedelta(hours=24))
except ValueError as e:
    print("ValueError", e)

t = time(23, 59, 59, 999999)
print(t, repr(t), repr(time(1, 2)), repr(time(1, 2, 3)), t.isoformat("milliseconds"), time(8, tzinfo=plus2), time.fromisoformat("08:30:00+01:00"), t.strftime("%H.%M.%S %p"), time.min, time.max)
print(time(1) < time(2), time(12, tzinfo=plus2) == time(10, tzinfo=utc), time(12) == time(12, tzinfo=utc))
for args in ((24,), (1, 60), (1, 1, 60), (1, 1, 1, 10 ** 6)):
    try:
        time(*args)
    except ValueError as e:
        print("ValueError", e)
events = sorted([datetime(2024, 5, 1), datetime(2023, 12, 31, 23, 59), datetime(2024, 1, 1)])
print(events, max(events) - min(events), {date(2024, 1, 1): "new year"}[date(2024, 1, 1)])
# Round trips over a spread of ordinals and instants.
import random
rng = random.Random(7)
for _ in range(300):
    n = rng.randint(1, 3652059)
    x = date.fromordinal(n)
    assert x.toordinal() == n and date.fromisoformat(x.isoformat()) == x, x
    us = rng.randint(-62135596800, 253402300799) * 10 ** 6 + rng.randint(0, 999999)
    y = datetime(1970, 1, 1) + timedelta(microseconds=us)
    assert datetime.fromisoformat(y.isoformat()) == y, y
    if y.year >= 1000:
        assert datetime.strptime(y.strftime("%Y-%m-%d %H:%M:%S.%f"), "%Y-%m-%d %H:%M:%S.%f") == y, y
print("round trips ok", x, y, y.isocalendar(), y.strftime("%U %W %j %G %V"))
for bad in ("711-01-01", "24-1-1"):
    try:
        datetime.strptime(bad, "%Y-%m-%d")
    except ValueError as e:
        print("ValueError", e)
print(datetime.strptime("99-1-1", "%y-%m-%d"), datetime.strptime("68-1-1", "%y-%m-%d"), datetime.strptime("69-1-1", "%y-%m-%d"))
