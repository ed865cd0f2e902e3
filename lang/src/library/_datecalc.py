# _datecalc: the proleptic Gregorian calendar, UTC fields of an epoch instant and `strftime`,
# shared by `datetime` and `logging` (so `logging` need not compile `datetime`).

_MAXORDINAL = 3652059
_EPOCH_ORDINAL = 719163
_US_PER_DAY = 86400000000

_DAYS_IN_MONTH = [-1, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
_DAYS_BEFORE_MONTH = [-1, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
_MONTH_NAMES = [None, 'January', 'February', 'March', 'April', 'May', 'June', 'July',
                'August', 'September', 'October', 'November', 'December']
_DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_before_year(year):
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400


def _days_in_month(year, month):
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month]


def _ymd2ord(year, month, day):
    return (_days_before_year(year) + _DAYS_BEFORE_MONTH[month]
            + (month > 2 and _is_leap(year)) + day)


def _ord2ymd(n):
    # Whole 400-, 100-, 4- and 1-year cycles from 0001-01-01, then the month by estimate.
    n -= 1
    n400, n = divmod(n, 146097)
    year = n400 * 400 + 1
    n100, n = divmod(n, 36524)
    n4, n = divmod(n, 1461)
    n1, n = divmod(n, 365)
    year += n100 * 100 + n4 * 4 + n1
    if n1 == 4 or n100 == 4:
        return year - 1, 12, 31
    leap = n1 == 3 and (n4 != 24 or n100 == 3)
    month = (n + 50) >> 5
    preceding = _DAYS_BEFORE_MONTH[month] + (month > 2 and leap)
    if preceding > n:
        month -= 1
        preceding -= _DAYS_IN_MONTH[month] + (month == 2 and leap)
    return year, month, n - preceding + 1


def _index(value):
    if isinstance(value, bool) or isinstance(value, int):
        return int(value)
    raise TypeError("'%s' object cannot be interpreted as an integer" % type(value).__name__)


def _round_half_even(num, den):
    if den < 0:
        num, den = -num, -den
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2 == 1):
        q += 1
    return q


def _format_offset(off, sep=':'):
    if off is None:
        return ''
    sign = '+'
    if off.days < 0:
        sign = '-'
        off = -off
    hh, rest = divmod(off._us(), 3600000000)
    mm, rest = divmod(rest, 60000000)
    ss, us = divmod(rest, 1000000)
    s = '%s%02d%s%02d' % (sign, hh, sep, mm)
    if ss or us:
        s += '%s%02d' % (sep, ss)
        if us:
            s += '.%06d' % us
    return s


def _iso_calendar(year, month, day):
    # ISO 8601 year, week and weekday: weeks start on Monday, week 1 holds the first Thursday.
    def week1_monday(y):
        first = _ymd2ord(y, 1, 1)
        wd = (first + 6) % 7
        monday = first - wd
        if wd > 3:
            monday += 7
        return monday
    today = _ymd2ord(year, month, day)
    y = year
    start = week1_monday(y)
    if today < start:
        y -= 1
        start = week1_monday(y)
    elif today >= week1_monday(y + 1):
        y += 1
        start = week1_monday(y)
    week, wd = divmod(today - start, 7)
    return y, week + 1, wd + 1


def _strftime(fmt, year, month, day, hour, minute, second, micro, offset, zone):
    if not isinstance(fmt, str):
        raise TypeError('strftime() argument 1 must be str, not %s' % type(fmt).__name__)
    ordinal = _ymd2ord(year, month, day)
    weekday = (ordinal + 6) % 7
    yday = ordinal - _ymd2ord(year, 1, 1) + 1
    out = []
    i, n = 0, len(fmt)
    while i < n:
        c = fmt[i]
        if c != '%' or i + 1 == n:
            out.append(c)
            i += 1
            continue
        d = fmt[i + 1]
        i += 2
        if d == 'a':
            out.append(_DAY_NAMES[weekday][:3])
        elif d == 'A':
            out.append(_DAY_NAMES[weekday])
        elif d == 'w':
            out.append('%d' % ((weekday + 1) % 7))
        elif d == 'u':
            out.append('%d' % (weekday + 1))
        elif d == 'd':
            out.append('%02d' % day)
        elif d == 'e':
            out.append('%2d' % day)
        elif d == 'b' or d == 'h':
            out.append(_MONTH_NAMES[month][:3])
        elif d == 'B':
            out.append(_MONTH_NAMES[month])
        elif d == 'm':
            out.append('%02d' % month)
        elif d == 'y':
            out.append('%02d' % (year % 100))
        elif d == 'Y':
            out.append('%d' % year)
        elif d == 'C':
            out.append('%d' % (year // 100) if year < 1000 else '%02d' % (year // 100))
        elif d == 'H':
            out.append('%02d' % hour)
        elif d == 'I':
            out.append('%02d' % (hour % 12 or 12))
        elif d == 'p':
            out.append('AM' if hour < 12 else 'PM')
        elif d == 'M':
            out.append('%02d' % minute)
        elif d == 'S':
            out.append('%02d' % second)
        elif d == 'f':
            out.append('%06d' % micro)
        elif d == 'z':
            out.append(_format_offset(offset, ''))
        elif d == 'Z':
            out.append(zone or '')
        elif d == 'j':
            out.append('%03d' % yday)
        elif d == 'U':
            out.append('%02d' % ((yday + 6 - (weekday + 1) % 7) // 7))
        elif d == 'W':
            out.append('%02d' % ((yday + 6 - weekday) // 7))
        elif d == 'G':
            out.append('%d' % _iso_calendar(year, month, day)[0])
        elif d == 'V':
            out.append('%02d' % _iso_calendar(year, month, day)[1])
        elif d == 'c':
            out.append('%s %s %2d %02d:%02d:%02d %d' % (
                _DAY_NAMES[weekday][:3], _MONTH_NAMES[month][:3], day, hour, minute,
                second, year))
        elif d == 'x':
            out.append('%02d/%02d/%02d' % (month, day, year % 100))
        elif d == 'X':
            out.append('%02d:%02d:%02d' % (hour, minute, second))
        elif d == 'D':
            out.append('%02d/%02d/%02d' % (month, day, year % 100))
        elif d == 'F':
            out.append('%d-%02d-%02d' % (year, month, day))
        elif d == 'T':
            out.append('%02d:%02d:%02d' % (hour, minute, second))
        elif d == 'R':
            out.append('%02d:%02d' % (hour, minute))
        elif d == 'n':
            out.append('\n')
        elif d == 't':
            out.append('\t')
        elif d == '%':
            out.append('%')
        else:
            out.append('%' + d)
    return ''.join(out)


def _utc_fields(t):
    # Seconds since the epoch (int or float) as UTC fields, rounded half-even to the
    # microsecond as CPython rounds them.
    if isinstance(t, float):
        n, d = t.as_integer_ratio()
        us = _round_half_even(n * 1000000, d)
    else:
        us = _index(t) * 1000000
    days, rest = divmod(us, _US_PER_DAY)
    ordinal = _EPOCH_ORDINAL + days
    if not 1 <= ordinal <= _MAXORDINAL:
        raise ValueError('year is out of range')
    y, m, d = _ord2ymd(ordinal)
    hh, rest = divmod(rest, 3600000000)
    mm, rest = divmod(rest, 60000000)
    ss, micro = divmod(rest, 1000000)
    return y, m, d, hh, mm, ss, micro
