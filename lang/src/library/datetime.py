# datetime: dates, times, datetimes and durations as CPython's module (the proleptic Gregorian
# calendar, microsecond resolution) with fixed-offset time zones (`timezone`). A job has no
# local time zone: local time is UTC (`now()`, `today()`, `fromtimestamp()`, `astimezone()`,
# `timestamp()` of a naive datetime), as on a host whose TZ is UTC. The clock is the `time`
# host module's (imported where it is read: a VM without it can still compute with dates).

import _sl
from _datecalc import (_MAXORDINAL, _EPOCH_ORDINAL, _US_PER_DAY, _DAYS_IN_MONTH,
                       _DAYS_BEFORE_MONTH, _MONTH_NAMES, _DAY_NAMES, _is_leap,
                       _days_before_year, _days_in_month, _ymd2ord, _ord2ymd, _index,
                       _round_half_even, _format_offset, _iso_calendar, _strftime,
                       _utc_fields)

MINYEAR = 1
MAXYEAR = 9999


def _check_date(year, month, day):
    year, month, day = _index(year), _index(month), _index(day)
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError('year %d is out of range' % year)
    if not 1 <= month <= 12:
        raise ValueError('month must be in 1..12')
    if not 1 <= day <= _days_in_month(year, month):
        raise ValueError('day is out of range for month')
    return year, month, day


def _check_time(hour, minute, second, microsecond, fold):
    hour, minute = _index(hour), _index(minute)
    second, microsecond = _index(second), _index(microsecond)
    if not 0 <= hour <= 23:
        raise ValueError('hour must be in 0..23')
    if not 0 <= minute <= 59:
        raise ValueError('minute must be in 0..59')
    if not 0 <= second <= 59:
        raise ValueError('second must be in 0..59')
    if not 0 <= microsecond <= 999999:
        raise ValueError('microsecond must be in 0..999999')
    if fold not in (0, 1):
        raise ValueError('fold must be either 0 or 1')
    return hour, minute, second, microsecond


def _check_tzinfo(tz):
    if tz is not None and not isinstance(tz, tzinfo):
        raise TypeError("tzinfo argument must be None or of a tzinfo subclass, not type '%s'"
                        % type(tz).__name__)


def _ratio(x):
    # An int or float as an exact fraction (numerator, denominator).
    if isinstance(x, float):
        return x.as_integer_ratio()
    if isinstance(x, int):
        return int(x), 1
    raise TypeError("unsupported type for timedelta component: %s" % type(x).__name__)


# --- timedelta ---------------------------------------------------------------------------

class timedelta:
    def __init__(self, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0,
                 hours=0, weeks=0):
        num, den = 0, 1
        for value, unit in ((days, 86400000000), (seconds, 1000000), (microseconds, 1),
                            (milliseconds, 1000), (minutes, 60000000), (hours, 3600000000),
                            (weeks, 604800000000)):
            n, d = _ratio(value)
            num, den = num * d + n * unit * den, den * d
        self._set(_round_half_even(num, den))

    def _set(self, us):
        days, rest = divmod(us, _US_PER_DAY)
        if abs(days) > 999999999:
            raise OverflowError('days=%d; must have magnitude <= 999999999' % days)
        seconds, micro = divmod(rest, 1000000)
        self.days, self.seconds, self.microseconds = days, seconds, micro

    @classmethod
    def _of(cls, us):
        td = _sl.bare_instance(cls)
        td._set(us)
        return td

    def _us(self):
        return (self.days * 86400 + self.seconds) * 1000000 + self.microseconds

    def total_seconds(self):
        return self._us() / 10 ** 6

    def __repr__(self):
        args = []
        if self.days:
            args.append('days=%d' % self.days)
        if self.seconds:
            args.append('seconds=%d' % self.seconds)
        if self.microseconds:
            args.append('microseconds=%d' % self.microseconds)
        if not args:
            args.append('0')
        return 'datetime.timedelta(%s)' % ', '.join(args)

    def __str__(self):
        mm, ss = divmod(self.seconds, 60)
        hh, mm = divmod(mm, 60)
        s = '%d:%02d:%02d' % (hh, mm, ss)
        if self.days:
            s = '%d day%s, ' % (self.days, '' if abs(self.days) == 1 else 's') + s
        if self.microseconds:
            s = s + '.%06d' % self.microseconds
        return s

    def __add__(self, other):
        if isinstance(other, timedelta):
            return timedelta._of(self._us() + other._us())
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return timedelta._of(self._us() - other._us())
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, timedelta):
            return -self + other
        return NotImplemented

    def __neg__(self):
        return timedelta._of(-self._us())

    def __pos__(self):
        return self

    def __abs__(self):
        return -self if self.days < 0 else self

    def __mul__(self, other):
        if isinstance(other, bool) or isinstance(other, int):
            return timedelta._of(self._us() * other)
        if isinstance(other, float):
            n, d = other.as_integer_ratio()
            return timedelta._of(_round_half_even(self._us() * n, d))
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, timedelta):
            return self._us() / other._us()
        if isinstance(other, bool) or isinstance(other, int):
            return timedelta._of(_round_half_even(self._us(), other))
        if isinstance(other, float):
            n, d = other.as_integer_ratio()
            return timedelta._of(_round_half_even(d * self._us(), n))
        return NotImplemented

    def __floordiv__(self, other):
        if isinstance(other, timedelta):
            return self._us() // other._us()
        if isinstance(other, int):
            return timedelta._of(self._us() // other)
        return NotImplemented

    def __mod__(self, other):
        if isinstance(other, timedelta):
            return timedelta._of(self._us() % other._us())
        return NotImplemented

    def __divmod__(self, other):
        if isinstance(other, timedelta):
            q, r = divmod(self._us(), other._us())
            return q, timedelta._of(r)
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, timedelta):
            return self._us() == other._us()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, timedelta):
            return self._us() < other._us()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, timedelta):
            return self._us() <= other._us()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, timedelta):
            return self._us() > other._us()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, timedelta):
            return self._us() >= other._us()
        return NotImplemented

    def __hash__(self):
        return hash((self.days, self.seconds, self.microseconds))

    def __bool__(self):
        return self.days != 0 or self.seconds != 0 or self.microseconds != 0


timedelta.min = timedelta(-999999999)
timedelta.max = timedelta(days=999999999, hours=23, minutes=59, seconds=59,
                          microseconds=999999)
timedelta.resolution = timedelta(microseconds=1)


# --- tzinfo, timezone --------------------------------------------------------------------

class tzinfo:
    def utcoffset(self, dt):
        raise NotImplementedError('tzinfo subclass must override utcoffset()')

    def dst(self, dt):
        raise NotImplementedError('tzinfo subclass must override dst()')

    def tzname(self, dt):
        raise NotImplementedError('tzinfo subclass must override tzname()')

    def fromutc(self, dt):
        offset = dt.utcoffset()
        if offset is None:
            raise ValueError('fromutc() requires a non-None utcoffset() result')
        return dt + offset


class timezone(tzinfo):
    def __init__(self, offset, name=None):
        if not isinstance(offset, timedelta):
            raise TypeError('offset must be a timedelta')
        if name is not None and not isinstance(name, str):
            raise TypeError('name must be a string')
        if not timedelta(hours=-24) < offset < timedelta(hours=24):
            raise ValueError('offset must be a timedelta strictly between '
                             '-timedelta(hours=24) and timedelta(hours=24), not %r.'
                             % (offset,))
        self._offset = offset
        self._name = name

    def utcoffset(self, dt):
        return self._offset

    def dst(self, dt):
        return None

    def tzname(self, dt):
        if self._name is not None:
            return self._name
        if not self._offset:
            return 'UTC'
        return 'UTC' + _format_offset(self._offset)

    def fromutc(self, dt):
        return dt + self._offset

    def __repr__(self):
        if self._name is None:
            if not self._offset:
                return 'datetime.timezone.utc'
            return 'datetime.timezone(%r)' % (self._offset,)
        return 'datetime.timezone(%r, %r)' % (self._offset, self._name)

    def __str__(self):
        return self.tzname(None)

    def __eq__(self, other):
        if isinstance(other, timezone):
            return self._offset == other._offset
        return NotImplemented

    def __hash__(self):
        return hash(self._offset)


timezone.utc = timezone(timedelta(0))
timezone.min = timezone(-timedelta(hours=23, minutes=59))
timezone.max = timezone(timedelta(hours=23, minutes=59))
UTC = timezone.utc


# --- strptime -----------------------------------------------------------------

def _strptime(text, fmt):
    if not isinstance(text, str) or not isinstance(fmt, str):
        raise TypeError('strptime() argument 1 must be str, not %s'
                        % type(text if not isinstance(text, str) else fmt).__name__)
    fields = {'year': 1900, 'month': 1, 'day': 1, 'hour': 0, 'minute': 0, 'second': 0,
              'micro': 0, 'offset': None, 'pm': None, 'yday': None, 'twelve': False}
    pos = 0

    def fail():
        raise ValueError('time data %r does not match format %r' % (text, fmt))

    def number(width, low, high, exact=False):
        nonlocal pos
        start = pos
        while pos < len(text) and pos - start < width and text[pos].isdigit():
            pos += 1
        if pos == start or (exact and pos - start != width):
            fail()
        value = int(text[start:pos])
        if not low <= value <= high:
            fail()
        return value

    def name(names):
        nonlocal pos
        rest = text[pos:].lower()
        for length in (9, 8, 7, 6, 5, 4, 3):
            for index, full in enumerate(names):
                if full is None:
                    continue
                for candidate in (full, full[:3]):
                    if len(candidate) == length and rest.startswith(candidate.lower()):
                        pos += length
                        return index
        fail()

    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != '%':
            if c.isspace():
                while pos < len(text) and text[pos].isspace():
                    pos += 1
            elif pos < len(text) and text[pos] == c:
                pos += 1
            else:
                fail()
            i += 1
            continue
        if i + 1 == len(fmt):
            raise ValueError("stray % in format '%s'" % fmt)
        d = fmt[i + 1]
        i += 2
        if d == 'Y':
            fields['year'] = number(4, 0, 9999, True)
        elif d == 'y':
            y = number(2, 0, 99, True)
            fields['year'] = y + (2000 if y < 69 else 1900)
        elif d == 'm':
            fields['month'] = number(2, 1, 12)
        elif d == 'd':
            fields['day'] = number(2, 1, 31)
        elif d == 'H':
            fields['hour'] = number(2, 0, 23)
        elif d == 'I':
            fields['hour'] = number(2, 1, 12)
            fields['twelve'] = True
        elif d == 'M':
            fields['minute'] = number(2, 0, 59)
        elif d == 'S':
            fields['second'] = number(2, 0, 61)
        elif d == 'f':
            start = pos
            value = number(6, 0, 999999)
            fields['micro'] = value * 10 ** (6 - (pos - start))
        elif d == 'j':
            fields['yday'] = number(3, 1, 366)
        elif d == 'b' or d == 'B' or d == 'h':
            fields['month'] = name(_MONTH_NAMES)
        elif d == 'a' or d == 'A':
            name(_DAY_NAMES)
        elif d == 'p':
            rest = text[pos:pos + 2].lower()
            if rest not in ('am', 'pm'):
                fail()
            fields['pm'] = rest == 'pm'
            pos += 2
        elif d == 'z':
            if text[pos:pos + 1] == 'Z':
                pos += 1
                fields['offset'] = timedelta(0)
            else:
                if text[pos:pos + 1] not in ('+', '-'):
                    fail()
                sign = -1 if text[pos] == '-' else 1
                pos += 1
                hh = number(2, 0, 23)
                if text[pos:pos + 1] == ':':
                    pos += 1
                mm = number(2, 0, 59)
                ss = 0
                if text[pos:pos + 1] == ':' or text[pos:pos + 1].isdigit():
                    if text[pos:pos + 1] == ':':
                        pos += 1
                    ss = number(2, 0, 59)
                fields['offset'] = sign * timedelta(hours=hh, minutes=mm, seconds=ss)
        elif d == '%':
            if text[pos:pos + 1] != '%':
                fail()
            pos += 1
        else:
            raise ValueError("'%s' is a bad directive in format '%s'" % (d, '%' + d))
    if pos != len(text):
        raise ValueError('unconverted data remains: %s' % text[pos:])
    # As CPython: %p only moves an hour read by %I, and %I without %p is AM.
    if fields['twelve']:
        hour = fields['hour'] % 12
        fields['hour'] = hour + 12 if fields['pm'] else hour
    if fields['yday'] is not None:
        y, m, dd = _ord2ymd(_ymd2ord(fields['year'], 1, 1) + fields['yday'] - 1)
        fields['year'], fields['month'], fields['day'] = y, m, dd
    return fields


# --- date --------------------------------------------------------------------------------

class IsoCalendarDate:
    def __init__(self, year, week, weekday):
        self.year, self.week, self.weekday = year, week, weekday

    def __iter__(self):
        return iter((self.year, self.week, self.weekday))

    def __getitem__(self, i):
        return (self.year, self.week, self.weekday)[i]

    def __len__(self):
        return 3

    def __eq__(self, other):
        if isinstance(other, (tuple, IsoCalendarDate)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self):
        return hash(tuple(self))

    def __repr__(self):
        return 'datetime.IsoCalendarDate(year=%d, week=%d, weekday=%d)' % tuple(self)


def _parse_iso_date(s):
    # 3.11's forms: YYYY-MM-DD, YYYYMMDD, YYYY-Www, YYYY-Www-D, YYYYWww, YYYYWwwD.
    if len(s) >= 8 and s[4] == '-' and s[5] != 'W':
        if len(s) != 10 or s[7] != '-':
            return None
        parts = (s[0:4], s[5:7], s[8:10])
    elif len(s) == 8 and 'W' not in s:
        parts = (s[0:4], s[4:6], s[6:8])
    else:
        rest = s[4:]
        if rest.startswith('-'):
            rest = rest[1:]
        if not rest.startswith('W'):
            return None
        rest = rest[1:]
        if len(rest) == 2:
            week, wd = rest, '1'
        elif len(rest) == 4 and rest[2] == '-' and s[4] == '-':
            week, wd = rest[:2], rest[3]
        elif len(rest) == 3 and s[4] != '-':
            week, wd = rest[:2], rest[2]
        else:
            return None
        if not (s[:4].isdigit() and week.isdigit() and wd.isdigit() and s.isascii()):
            return None
        return ('W', int(s[:4]), int(week), int(wd))
    if not all(p.isdigit() and p.isascii() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def _from_iso_calendar(year, week, day):
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError('Year is out of range: %d' % year)
    if not 0 < week < 53:
        out_of_range = True
        if week == 53:
            first_weekday = _ymd2ord(year, 1, 1) % 7
            if first_weekday == 4 or (first_weekday == 3 and _is_leap(year)):
                out_of_range = False
        if out_of_range:
            raise ValueError('Invalid week: %d' % week)
    if not 0 < day < 8:
        raise ValueError('Invalid weekday: %d (range is [1, 7])' % day)
    first = _ymd2ord(year, 1, 1)
    wd = (first + 6) % 7
    monday = first - wd
    if wd > 3:
        monday += 7
    return _ord2ymd(monday + (week - 1) * 7 + day - 1)


class date:
    def __init__(self, year, month, day):
        self.year, self.month, self.day = _check_date(year, month, day)

    @classmethod
    def today(cls):
        import time as _time
        return cls.fromtimestamp(_time.time())

    @classmethod
    def fromtimestamp(cls, t):
        y, m, d, _, _, _, _ = _utc_fields(t)
        return cls(y, m, d)

    @classmethod
    def fromordinal(cls, n):
        n = _index(n)
        if not 1 <= n <= _MAXORDINAL:
            raise ValueError('ordinal must be >= 1' if n < 1 else 'year 10000 is out of range')
        return cls(*_ord2ymd(n))

    @classmethod
    def fromisoformat(cls, s):
        if not isinstance(s, str):
            raise TypeError('fromisoformat: argument must be str')
        parsed = _parse_iso_date(s) if len(s) in (7, 8, 10) else None
        if parsed is None:
            raise ValueError('Invalid isoformat string: %r' % s)
        if parsed[0] == 'W':
            return cls(*_from_iso_calendar(parsed[1], parsed[2], parsed[3]))
        return cls(*parsed)

    @classmethod
    def fromisocalendar(cls, year, week, day):
        return cls(*_from_iso_calendar(year, week, day))

    def toordinal(self):
        return _ymd2ord(self.year, self.month, self.day)

    def weekday(self):
        return (self.toordinal() + 6) % 7

    def isoweekday(self):
        return self.toordinal() % 7 or 7

    def isocalendar(self):
        return IsoCalendarDate(*_iso_calendar(self.year, self.month, self.day))

    def isoformat(self):
        return '%04d-%02d-%02d' % (self.year, self.month, self.day)

    def __str__(self):
        return self.isoformat()

    def __repr__(self):
        return 'datetime.date(%d, %d, %d)' % (self.year, self.month, self.day)

    def ctime(self):
        return _strftime('%c', self.year, self.month, self.day, 0, 0, 0, 0, None, None)

    def strftime(self, fmt):
        return _strftime(fmt, self.year, self.month, self.day, 0, 0, 0, 0, None, None)

    def __format__(self, fmt):
        if not isinstance(fmt, str):
            raise TypeError('must be str, not %s' % type(fmt).__name__)
        return self.strftime(fmt) if fmt else str(self)

    def replace(self, year=None, month=None, day=None):
        return type(self)(self.year if year is None else year,
                          self.month if month is None else month,
                          self.day if day is None else day)

    def _key(self):
        return (self.year, self.month, self.day)

    def _comparable(self, other):
        if isinstance(other, datetime) != isinstance(self, datetime):
            return False
        return isinstance(other, date)

    def __eq__(self, other):
        if self._comparable(other):
            return self._key() == other._key()
        return NotImplemented

    def __lt__(self, other):
        if self._comparable(other):
            return self._key() < other._key()
        return _cannot_compare(self, other)

    def __le__(self, other):
        if self._comparable(other):
            return self._key() <= other._key()
        return _cannot_compare(self, other)

    def __gt__(self, other):
        if self._comparable(other):
            return self._key() > other._key()
        return _cannot_compare(self, other)

    def __ge__(self, other):
        if self._comparable(other):
            return self._key() >= other._key()
        return _cannot_compare(self, other)

    def __hash__(self):
        return hash(self._key())

    def __add__(self, other):
        if isinstance(other, timedelta):
            n = self.toordinal() + other.days
            if not 0 < n <= _MAXORDINAL:
                raise OverflowError('date value out of range')
            return type(self).fromordinal(n)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + timedelta(-other.days)
        if isinstance(other, date) and not isinstance(other, datetime):
            return timedelta(self.toordinal() - other.toordinal())
        return NotImplemented


def _cannot_compare(a, b):
    # A date and a datetime do not order: the datetime's side raises (so the message names
    # it first, whichever operand it is), the date's hands over to it.
    if isinstance(a, datetime) and isinstance(b, date):
        raise TypeError("can't compare %s to %s" % (_qualified(a), _qualified(b)))
    return NotImplemented


def _qualified(value):
    if isinstance(value, datetime):
        return 'datetime.datetime'
    if isinstance(value, date):
        return 'datetime.date'
    return type(value).__name__


date.min = date(1, 1, 1)
date.max = date(9999, 12, 31)
date.resolution = timedelta(days=1)


# --- time --------------------------------------------------------------------------------

def _format_time(hh, mm, ss, us, timespec):
    if timespec == 'auto':
        timespec = 'microseconds' if us else 'seconds'
    elif timespec == 'milliseconds':
        return '%02d:%02d:%02d.%03d' % (hh, mm, ss, us // 1000)
    if timespec == 'hours':
        return '%02d' % hh
    if timespec == 'minutes':
        return '%02d:%02d' % (hh, mm)
    if timespec == 'seconds':
        return '%02d:%02d:%02d' % (hh, mm, ss)
    if timespec == 'microseconds':
        return '%02d:%02d:%02d.%06d' % (hh, mm, ss, us)
    raise ValueError('Unknown timespec value')


def _parse_iso_time(s):
    # HH[:MM[:SS[.fff[fff]]]] (or without colons), then Z or +HH:MM[:SS[.ffffff]].
    offset = None
    for sep in ('Z', '+', '-'):
        at = s.find(sep)
        if at > 0:
            zone = s[at:]
            s = s[:at]
            if zone == 'Z':
                offset = timedelta(0)
            else:
                parts = _parse_clock(zone[1:])
                if parts is None:
                    return None
                offset = timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2],
                                   microseconds=parts[3])
                if zone[0] == '-':
                    offset = -offset
            break
    parts = _parse_clock(s)
    if parts is None:
        return None
    return parts + (offset,)


def _parse_clock(s):
    frac = 0
    if '.' in s or ',' in s:
        at = s.find('.') if '.' in s else s.find(',')
        digits = s[at + 1:]
        s = s[:at]
        if not digits or not digits.isdigit() or not digits.isascii():
            return None
        frac = int((digits + '000000')[:6])
    if ':' in s:
        parts = s.split(':')
    else:
        parts = [s[i:i + 2] for i in range(0, len(s), 2)]
    if not 1 <= len(parts) <= 3 or any(len(p) != 2 or not p.isdigit() or not p.isascii()
                                       for p in parts):
        return None
    values = [int(p) for p in parts] + [0, 0]
    return values[0], values[1], values[2], frac


class time:
    def __init__(self, hour=0, minute=0, second=0, microsecond=0, tzinfo=None, *, fold=0):
        (self.hour, self.minute, self.second,
         self.microsecond) = _check_time(hour, minute, second, microsecond, fold)
        _check_tzinfo(tzinfo)
        self.tzinfo = tzinfo
        self.fold = fold

    @classmethod
    def fromisoformat(cls, s):
        if not isinstance(s, str):
            raise TypeError('fromisoformat: argument must be str')
        parsed = _parse_iso_time(s[1:] if s.startswith('T') else s)
        if parsed is None:
            raise ValueError('Invalid isoformat string: %r' % s)
        hh, mm, ss, us, offset = parsed
        return cls(hh, mm, ss, us, None if offset is None else timezone(offset))

    def utcoffset(self):
        return None if self.tzinfo is None else self.tzinfo.utcoffset(None)

    def dst(self):
        return None if self.tzinfo is None else self.tzinfo.dst(None)

    def tzname(self):
        return None if self.tzinfo is None else self.tzinfo.tzname(None)

    def isoformat(self, timespec='auto'):
        return (_format_time(self.hour, self.minute, self.second, self.microsecond, timespec)
                + _format_offset(self.utcoffset()))

    def __str__(self):
        return self.isoformat()

    def __repr__(self):
        if self.microsecond:
            s = ', %d, %d' % (self.second, self.microsecond)
        elif self.second:
            s = ', %d' % self.second
        else:
            s = ''
        s = 'datetime.time(%d, %d%s)' % (self.hour, self.minute, s)
        if self.tzinfo is not None:
            s = s[:-1] + ', tzinfo=%r)' % (self.tzinfo,)
        if self.fold:
            s = s[:-1] + ', fold=1)'
        return s

    def strftime(self, fmt):
        return _strftime(fmt, 1900, 1, 1, self.hour, self.minute, self.second,
                         self.microsecond, self.utcoffset(), self.tzname())

    def __format__(self, fmt):
        return self.strftime(fmt) if fmt else str(self)

    def replace(self, hour=None, minute=None, second=None, microsecond=None, tzinfo=True,
                *, fold=None):
        return type(self)(self.hour if hour is None else hour,
                          self.minute if minute is None else minute,
                          self.second if second is None else second,
                          self.microsecond if microsecond is None else microsecond,
                          self.tzinfo if tzinfo is True else tzinfo,
                          fold=self.fold if fold is None else fold)

    def _key(self):
        off = self.utcoffset()
        us = ((self.hour * 60 + self.minute) * 60 + self.second) * 1000000 + self.microsecond
        return us - (off._us() if off is not None else 0), off is None

    def _compare(self, other):
        if not isinstance(other, time):
            return None
        a, b = self._key(), other._key()
        if a[1] != b[1]:
            raise TypeError("can't compare offset-naive and offset-aware times")
        return (a[0] > b[0]) - (a[0] < b[0])

    def __eq__(self, other):
        if not isinstance(other, time):
            return NotImplemented
        a, b = self._key(), other._key()
        return a == b

    def __lt__(self, other):
        c = self._compare(other)
        return NotImplemented if c is None else c < 0

    def __le__(self, other):
        c = self._compare(other)
        return NotImplemented if c is None else c <= 0

    def __gt__(self, other):
        c = self._compare(other)
        return NotImplemented if c is None else c > 0

    def __ge__(self, other):
        c = self._compare(other)
        return NotImplemented if c is None else c >= 0

    def __hash__(self):
        return hash(self._key())

    def __bool__(self):
        return True


time.min = time(0, 0, 0)
time.max = time(23, 59, 59, 999999)
time.resolution = timedelta(microseconds=1)


# --- datetime ----------------------------------------------------------------------------

class datetime(date):
    def __init__(self, year, month, day, hour=0, minute=0, second=0, microsecond=0,
                 tzinfo=None, *, fold=0):
        self.year, self.month, self.day = _check_date(year, month, day)
        (self.hour, self.minute, self.second,
         self.microsecond) = _check_time(hour, minute, second, microsecond, fold)
        _check_tzinfo(tzinfo)
        self.tzinfo = tzinfo
        self.fold = fold

    @classmethod
    def now(cls, tz=None):
        import time as _time
        return cls.fromtimestamp(_time.time(), tz)

    @classmethod
    def today(cls):
        return cls.now()

    @classmethod
    def utcnow(cls):
        import time as _time
        return cls.utcfromtimestamp(_time.time())

    @classmethod
    def fromtimestamp(cls, t, tz=None):
        _check_tzinfo(tz)
        dt = cls(*_utc_fields(t))
        if tz is None:
            return dt
        return tz.fromutc(dt.replace(tzinfo=tz))

    @classmethod
    def utcfromtimestamp(cls, t):
        return cls(*_utc_fields(t))

    @classmethod
    def fromordinal(cls, n):
        return cls.combine(date.fromordinal(n), time())

    @classmethod
    def combine(cls, d, t, tzinfo=True):
        if not isinstance(d, date):
            raise TypeError("combine() argument 1 must be datetime.date, not %s"
                            % type(d).__name__)
        if not isinstance(t, time):
            raise TypeError("combine() argument 2 must be datetime.time, not %s"
                            % type(t).__name__)
        return cls(d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond,
                   t.tzinfo if tzinfo is True else tzinfo, fold=t.fold)

    @classmethod
    def fromisoformat(cls, s):
        if not isinstance(s, str):
            raise TypeError('fromisoformat: argument must be str')
        if len(s) >= 10 and s[4:5] == '-' and s[7:8] == '-':
            size = 10
        elif s[4:6] == '-W':
            size = 10 if s[8:9] == '-' else 8
        elif s[4:5] == 'W':
            size = 8 if s[7:8].isdigit() else 7
        else:
            size = 8
        date_part = _parse_iso_date(s[:size]) if len(s) >= size else None
        rest = s[size:]
        time_part = (0, 0, 0, 0, None)
        if date_part is not None and rest:
            time_part = _parse_iso_time(rest[1:]) if len(rest) > 1 else None
        if date_part is None or time_part is None:
            raise ValueError('Invalid isoformat string: %r' % s)
        if date_part[0] == 'W':
            date_part = _from_iso_calendar(date_part[1], date_part[2], date_part[3])
        hh, mm, ss, us, offset = time_part
        return cls(*date_part, hh, mm, ss, us, None if offset is None else timezone(offset))

    @classmethod
    def strptime(cls, text, fmt):
        f = _strptime(text, fmt)
        tz = None if f['offset'] is None else timezone(f['offset'])
        return cls(f['year'], f['month'], f['day'], f['hour'], f['minute'], f['second'],
                   f['micro'], tz)

    def date(self):
        return date(self.year, self.month, self.day)

    def time(self):
        return time(self.hour, self.minute, self.second, self.microsecond, fold=self.fold)

    def timetz(self):
        return time(self.hour, self.minute, self.second, self.microsecond, self.tzinfo,
                    fold=self.fold)

    def utcoffset(self):
        return None if self.tzinfo is None else self.tzinfo.utcoffset(self)

    def dst(self):
        return None if self.tzinfo is None else self.tzinfo.dst(self)

    def tzname(self):
        return None if self.tzinfo is None else self.tzinfo.tzname(self)

    def _local_us(self):
        return ((self.toordinal() * 86400 + self.hour * 3600 + self.minute * 60 + self.second)
                * 1000000 + self.microsecond)

    def _utc_us(self):
        # Naive datetimes are local time, which is UTC here.
        off = self.utcoffset()
        return self._local_us() - (off._us() if off is not None else 0)

    @classmethod
    def _from_us(cls, us, tz):
        days, rest = divmod(us, _US_PER_DAY)
        if not 1 <= days <= _MAXORDINAL:
            raise OverflowError('date value out of range')
        y, m, d = _ord2ymd(days)
        hh, rest = divmod(rest, 3600000000)
        mm, rest = divmod(rest, 60000000)
        ss, micro = divmod(rest, 1000000)
        return cls(y, m, d, hh, mm, ss, micro, tz)

    def timestamp(self):
        return (self._utc_us() - _EPOCH_ORDINAL * _US_PER_DAY) / 10 ** 6

    def astimezone(self, tz=None):
        if tz is None:
            # The local zone, which is UTC here, as CPython names it on such a host.
            tz = timezone(timedelta(0), 'UTC')
        elif not isinstance(tz, tzinfo):
            raise TypeError('tz argument must be an instance of tzinfo')
        utc = datetime._from_us(self._utc_us(), tz)
        return tz.fromutc(utc)

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None,
                microsecond=None, tzinfo=True, *, fold=None):
        return type(self)(self.year if year is None else year,
                          self.month if month is None else month,
                          self.day if day is None else day,
                          self.hour if hour is None else hour,
                          self.minute if minute is None else minute,
                          self.second if second is None else second,
                          self.microsecond if microsecond is None else microsecond,
                          self.tzinfo if tzinfo is True else tzinfo,
                          fold=self.fold if fold is None else fold)

    def isoformat(self, sep='T', timespec='auto'):
        return ('%04d-%02d-%02d%s' % (self.year, self.month, self.day, sep)
                + _format_time(self.hour, self.minute, self.second, self.microsecond,
                               timespec)
                + _format_offset(self.utcoffset()))

    def __str__(self):
        return self.isoformat(sep=' ')

    def __repr__(self):
        fields = [self.year, self.month, self.day, self.hour, self.minute, self.second,
                  self.microsecond]
        if fields[-1] == 0:
            del fields[-1]
        if fields[-1] == 0:
            del fields[-1]
        s = 'datetime.datetime(%s)' % ', '.join(str(f) for f in fields)
        if self.fold:
            s = s[:-1] + ', fold=1)'
        if self.tzinfo is not None:
            s = s[:-1] + ', tzinfo=%r)' % (self.tzinfo,)
        return s

    def ctime(self):
        return self.strftime('%c')

    def strftime(self, fmt):
        return _strftime(fmt, self.year, self.month, self.day, self.hour, self.minute,
                         self.second, self.microsecond, self.utcoffset(), self.tzname())

    def _key(self):
        return self._utc_us()

    def _order(self, other):
        if not isinstance(other, datetime):
            return None
        if (self.utcoffset() is None) != (other.utcoffset() is None):
            raise TypeError("can't compare offset-naive and offset-aware datetimes")
        a, b = self._utc_us(), other._utc_us()
        return (a > b) - (a < b)

    def __eq__(self, other):
        if isinstance(other, datetime):
            if (self.utcoffset() is None) != (other.utcoffset() is None):
                return False
            return self._utc_us() == other._utc_us()
        if isinstance(other, date):
            return False
        return NotImplemented

    def __lt__(self, other):
        c = self._order(other)
        return _cannot_compare(self, other) if c is None else c < 0

    def __le__(self, other):
        c = self._order(other)
        return _cannot_compare(self, other) if c is None else c <= 0

    def __gt__(self, other):
        c = self._order(other)
        return _cannot_compare(self, other) if c is None else c > 0

    def __ge__(self, other):
        c = self._order(other)
        return _cannot_compare(self, other) if c is None else c >= 0

    def __hash__(self):
        return hash(self._utc_us())

    def __add__(self, other):
        if isinstance(other, timedelta):
            return type(self)._from_us(self._local_us() + other._us(), self.tzinfo)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return type(self)._from_us(self._local_us() - other._us(), self.tzinfo)
        if isinstance(other, datetime):
            if (self.utcoffset() is None) != (other.utcoffset() is None):
                raise TypeError("can't subtract offset-naive and offset-aware datetimes")
            return timedelta._of(self._utc_us() - other._utc_us())
        return NotImplemented


datetime.min = datetime(1, 1, 1)
datetime.max = datetime(9999, 12, 31, 23, 59, 59, 999999)
datetime.resolution = timedelta(microseconds=1)
