"""Dates of a timeline: parsing, validation, time zones, display and ordering.

A date is written by a person (contract, section 3) and may be as coarse as a
year or as fine as a second. :class:`PartialDate` keeps the precision that was
written, so that "January 2022" is displayed as such and not as "1 January
2022", while still knowing the exact span of time it can mean (its earliest
moment :meth:`PartialDate.start` and latest moment :meth:`PartialDate.last`),
which is what the timeline is ordered by (contract, section 5).

Accepted forms (surrounding white space is ignored):

* ISO 8601: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM`` and
  ``YYYY-MM-DDTHH:MM:SS``; the two forms with a time may use a space instead
  of ``T`` and may end with ``Z`` or an offset ``+HH:MM`` / ``-HH:MM``.
* English, with the month's name (full, three letters, or "Sept"; any case;
  an abbreviation may end with a full stop): ``7 January 2022``,
  ``January 7, 2022``, ``January 7 2022``, ``January 2022``, ``7 Jan 2022``;
  the forms with a day may be followed by a time ``HH:MM`` (or ``HH:MM:SS``),
  optionally after a comma: ``7 January 2022 15:00``,
  ``January 7, 2022, 15:00``.

A time without an offset is in the timeline's time zone; a wall time that does
not exist there (a daylight-saving gap) is an error, an ambiguous one (an
overlap) means its first occurrence.

Everything here raises :class:`DateError` (a :class:`ValueError`) with a
message only; the caller adds the file and line.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import MappingProxyType

__all__ = [
    "ACCEPTED_FORMS",
    "PRECISIONS",
    "DateError",
    "PartialDate",
    "parse_date",
    "sort_key",
    "validate_timezone",
]


class DateError(ValueError):
    """A date or time zone that cannot be used.

    The message says what is wrong with the value only (no path, no line);
    the caller adds the location.
    """


# --------------------------------------------------------------------------
# Constants (immutable)

#: The precisions a date can have, coarsest first.
PRECISIONS: tuple[str, ...] = ("year", "month", "day", "minute", "second")
_RANK: Mapping[str, int] = MappingProxyType({p: i for i, p in enumerate(PRECISIONS)})

#: A short description of the accepted forms, used in error messages.
ACCEPTED_FORMS = (
    "write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] "
    "(optionally ending in Z or an offset like +06:00), "
    "or an English date with the month's name such as '7 January 2022', "
    "'January 7, 2022' or 'January 2022' (optionally followed by HH:MM)"
)

_MONTH_NAMES: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)
_MONTH_ABBRS: tuple[str, ...] = tuple(name[:3] for name in _MONTH_NAMES)
MONTH_NAMES = _MONTH_NAMES   # January ... December
_WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
# Lower-case month word -> month number: full names, 3-letter abbreviations
# and "sept".
_MONTH_WORDS: Mapping[str, int] = MappingProxyType({
    **{name.lower(): i for i, name in enumerate(_MONTH_NAMES, 1)},
    **{abbr.lower(): i for i, abbr in enumerate(_MONTH_ABBRS, 1)},
    "sept": 9,
})

_MIN_YEAR, _MAX_YEAR = 1, 9999
_MAX_OFFSET_MINUTES = 23 * 60 + 59
_SECONDS_PER_DAY = 86400
_NAIVE_EPOCH = datetime(1, 1, 1)  # integer "seconds" below count from here
_UTC_EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)
_UTC_MIN = datetime.min.replace(tzinfo=timezone.utc)
_UTC_MAX = datetime.max.replace(tzinfo=timezone.utc)
# Last whole second a naive datetime can hold, as seconds since _NAIVE_EPOCH.
_NAIVE_MAX_S = (date.max.toordinal() - 1) * _SECONDS_PER_DAY + _SECONDS_PER_DAY - 1
_ONE_MICROSECOND = timedelta(microseconds=1)

_ISO_RE = re.compile(
    r"""
    (?P<year>\d{4})
    (?:-(?P<month>\d{2})
      (?:-(?P<day>\d{2})
        (?:[Tt\ ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?
          (?P<offset>[Zz]|[+-]\d{2}:\d{2})?
        )?
      )?
    )?
    """,
    re.VERBOSE | re.ASCII,
)
_TIME = r"(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_MONTH_WORD = r"(?P<monthname>[A-Za-z]+)\.?"
# 7 January 2022 [15:00]
_DMY_RE = re.compile(
    r"(?P<day>\d{1,2})\s+" + _MONTH_WORD + r",?\s+(?P<year>\d{4})" + _TIME,
    re.ASCII,
)
# January 7, 2022 [, 15:00]  /  January 7 2022 [15:00]
_MDY_RE = re.compile(
    _MONTH_WORD + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})" + _TIME,
    re.ASCII,
)
# January 2022
_MY_RE = re.compile(_MONTH_WORD + r",?\s+(?P<year>\d{4})", re.ASCII)
# Numbers separated by / . - or spaces: 01/02/2022, 1.2.2022, 2022/01/02, 7-1-22
_NUMERIC_RE = re.compile(
    r"(?P<a>\d{1,4})\s*(?P<sep>[/.\-\s])\s*(?P<b>\d{1,4})"
    r"(?:\s*(?P=sep)\s*(?P<c>\d{1,4}))?",
    re.ASCII,
)
_ZONE_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)
# Files found on a zoneinfo path that are not IANA zones (or not plain ones).
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_NOT_ZONE_PREFIXES = ("posix/", "right/")


# --------------------------------------------------------------------------
# Time-zone helpers


def validate_timezone(name: str) -> None:
    """Check that ``name`` is an IANA time-zone name known to :mod:`zoneinfo`.

    Raises :class:`DateError` (with a suggestion when a known name is close)
    otherwise. ``UTC`` and ``Etc/...`` names are accepted; file names that are
    not zones (``localtime``, ``posixrules``, ``posix/...``, ``right/...``)
    are not.
    """
    _zone(name)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the ZoneInfo for ``name`` or raise DateError (see validate_timezone)."""
    if not isinstance(name, str):
        raise DateError(f"a time zone must be written as text, got {type(name).__name__}")
    if (
        _ZONE_NAME_RE.fullmatch(name)
        and name not in _NOT_ZONES
        and not name.startswith(_NOT_ZONE_PREFIXES)
    ):
        try:
            return zoneinfo.ZoneInfo(name)  # the class caches instances itself
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    message = f"unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'"
    try:
        known = sorted(zoneinfo.available_timezones() - _NOT_ZONES)
    except OSError:  # pragma: no cover - only on a broken installation
        known = []
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:  # try ignoring case: "europe/berlin"
        by_lower = {k.lower(): k for k in known}
        close = [by_lower[c] for c in difflib.get_close_matches(name.lower(), list(by_lower), n=1)]
    if close:
        message += f" (did you mean {close[0]!r}?)"
    raise DateError(message)


def _naive(seconds: int) -> datetime:
    """Naive datetime for whole seconds since 0001-01-01T00:00."""
    return _NAIVE_EPOCH + timedelta(seconds=seconds)


def _utc_datetime(seconds: int) -> datetime:
    """Aware UTC datetime for seconds since 0001-01-01T00:00Z, clamped to datetime's range."""
    if seconds < 0:
        return _UTC_MIN
    if seconds > _NAIVE_MAX_S:
        return _UTC_MAX
    return _UTC_EPOCH + timedelta(seconds=seconds)


def _offset_seconds(td: timedelta | None) -> int:
    """Whole seconds of a utcoffset() result (zoneinfo offsets are whole seconds)."""
    return 0 if td is None else td.days * _SECONDS_PER_DAY + td.seconds


def _wall_offsets(zone: zoneinfo.ZoneInfo, wall: datetime) -> tuple[int, int, bool]:
    """Offsets (seconds) of a naive wall time with fold=0 and fold=1, and whether it exists.

    The wall time does not exist (a gap) when the two offsets differ and
    converting the fold=0 reading to UTC and back does not give the same wall
    time. When they differ and it does exist, it is ambiguous (an overlap) and
    the fold=0 offset is its first occurrence.
    """
    off0 = _offset_seconds(wall.replace(tzinfo=zone, fold=0).utcoffset())
    off1 = _offset_seconds(wall.replace(tzinfo=zone, fold=1).utcoffset())
    if off0 == off1:
        return off0, off1, True
    try:
        utc = (wall - timedelta(seconds=off0)).replace(tzinfo=timezone.utc)
        back = utc.astimezone(zone).replace(tzinfo=None, fold=0)
    except OverflowError:  # pragma: no cover - no transitions at the ends of time
        return off0, off1, off1 < off0
    return off0, off1, back == wall


def _local_of_utc(zone: zoneinfo.ZoneInfo, utc_s: int) -> int:
    """Wall time (seconds since 0001-01-01T00:00) in ``zone`` of a UTC instant."""
    utc = _naive(utc_s).replace(tzinfo=timezone.utc)
    return utc_s + _offset_seconds(utc.astimezone(zone).utcoffset())


def _first_instant(zone: zoneinfo.ZoneInfo, local_s: int) -> int:
    """Earliest UTC instant (seconds) whose wall time in ``zone`` is at or after ``local_s``.

    For a wall time that exists this is its first occurrence; for one inside a
    gap it is the moment of the change (the first wall time after the gap).
    Beyond the end of datetime's range (the end of year 9999) the last known
    offset is used.
    """
    if local_s > _NAIVE_MAX_S:
        off = _offset_seconds(_naive(_NAIVE_MAX_S).replace(tzinfo=zone).utcoffset())
        return local_s - off
    wall = _naive(local_s)
    off0, off1, exists = _wall_offsets(zone, wall)
    if exists:
        return local_s - off0
    # In a gap: the change happened between the two readings; find its moment.
    lo, hi = sorted((local_s - off0, local_s - off1))
    while lo < hi:
        mid = (lo + hi) // 2
        if _local_of_utc(zone, mid) >= local_s:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _format_offset_iso(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def _format_offset_display(minutes: int) -> str:
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def _zone_name(tz: str, offset_minutes: int, moment: datetime) -> str:
    offset = _format_offset_display(offset_minutes)
    try:
        zone = _zone(tz)
    except DateError:
        return offset
    local = next((moment.replace(tzinfo=zone, fold=fold) for fold in (0, 1)
                  if _offset_seconds(moment.replace(tzinfo=zone, fold=fold).utcoffset()) == offset_minutes * 60), None)
    if local is None:
        return offset
    # A zone has one name for its standard time and one for its daylight
    # saving time: each is looked up once, however many times a timeline shows.
    return _cldr_zone_name(tz, bool(local.dst())) or offset


@functools.lru_cache(maxsize=256)
def _cldr_zone_name(tz: str, daylight: bool) -> str | None:
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global
    from babel.dates import get_timezone_name

    # CLDR gives an abbreviation only where it is in common use: GMT and
    # BST in the United Kingdom's English, EST in the United States'.
    territory = get_global("zone_territories").get(tz)
    try:
        locale = Locale.parse(f"en_{territory}") if territory and territory != "001" else Locale.parse("en")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    name = get_timezone_name(_zone(tz), width="short", zone_variant="daylight" if daylight else "standard",
                             locale=locale)
    return name if name and name.isalpha() and name.isupper() else None


# --------------------------------------------------------------------------
# The date


@dataclass(frozen=True)
class PartialDate:
    """A date written at some precision, and the span of time it can mean.

    Fields finer than ``precision`` are ``None``; those up to it are set.
    ``precision`` is one of ``"year"``, ``"month"``, ``"day"``, ``"minute"``
    (hours and minutes written) and ``"second"``.

    ``tz`` is the IANA zone the date is interpreted in: the timeline's zone.
    ``offset_minutes`` is the UTC offset of a time (minute or second
    precision only; ``None`` otherwise). If it is given (an explicit ``Z`` or
    ``+HH:MM`` was written) it is kept and the time is read with it, whatever
    ``tz`` says; if it is ``None`` for a time, it is resolved from ``tz``
    when the object is created (a wall time in a daylight-saving gap is a
    :class:`DateError`; an ambiguous one takes its first occurrence). A zone
    offset with seconds (local mean time before ~1900) is rounded to whole
    minutes, and the instant is then the one meant by that offset, so that
    ``parse_date(d.iso())`` always means the same instant as ``d``.

    Construction validates every field (ranges, leap years, consistency with
    the precision, the zone) and raises :class:`DateError`. The instants used
    by :meth:`start`, :meth:`last` and :func:`sort_key` are computed once,
    at creation.
    """

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    precision: str = "year"
    tz: str = "UTC"
    offset_minutes: int | None = None

    # Cached at creation; not part of equality, hashing or repr.
    _start: datetime = field(init=False, repr=False, compare=False)
    _last: datetime = field(init=False, repr=False, compare=False)
    _key: tuple[int, int, int, str, str] = field(init=False, repr=False, compare=False)
    _iso: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._validate_fields()
        zone = _zone(self.tz)
        rank = _RANK[self.precision]
        y = self.year
        if rank >= _RANK["minute"]:
            assert self.month is not None and self.day is not None
            assert self.hour is not None and self.minute is not None
            sec = self.second or 0
            local_s = (
                (date(y, self.month, self.day).toordinal() - 1) * _SECONDS_PER_DAY
                + self.hour * 3600 + self.minute * 60 + sec
            )
            if self.offset_minutes is None:
                object.__setattr__(self, "offset_minutes", self._resolve_offset(zone, local_s))
            assert self.offset_minutes is not None
            start_s = local_s - self.offset_minutes * 60
            end_s = start_s + (60 if self.precision == "minute" else 1)
        else:
            if self.precision == "year":
                first, after = date(y, 1, 1), date(y, 12, 31)
            elif self.precision == "month":
                assert self.month is not None
                first = date(y, self.month, 1)
                after = date(y, self.month, calendar.monthrange(y, self.month)[1])
            else:
                assert self.month is not None and self.day is not None
                first = after = date(y, self.month, self.day)
            # ``after`` is the last day; the period ends at the next midnight
            # (computed with ordinals: the day after 9999-12-31 is no date).
            start_s = _first_instant(zone, (first.toordinal() - 1) * _SECONDS_PER_DAY)
            end_s = _first_instant(zone, after.toordinal() * _SECONDS_PER_DAY)
        end_s = max(end_s, start_s)  # a day skipped entirely (Pacific/Apia 2011-12-30)
        self._set_instants(start_s, end_s)

    def _set_instants(self, start_s: int, end_s: int) -> None:
        start = _utc_datetime(start_s)
        if end_s > _NAIVE_MAX_S:  # the period ends after datetime's range
            last = _UTC_MAX
        elif end_s > start_s and end_s > 0:
            last = max(start, _utc_datetime(end_s) - _ONE_MICROSECOND)
        else:  # an empty period, or one wholly before 0001-01-01T00:00Z (clamped)
            last = start
        object.__setattr__(self, "_start", start)
        object.__setattr__(self, "_last", last)
        object.__setattr__(self, "_iso", self._make_iso())
        object.__setattr__(self, "_key", (start_s, _RANK[self.precision], end_s, self._iso, self.tz))

    def state(self) -> list:
        """Everything the date is, as plain data, for the build cache."""
        return [self.year, self.month, self.day, self.hour, self.minute, self.second,
                self.precision, self.tz, self.offset_minutes, self._key[0], self._key[2]]

    @classmethod
    def restore(cls, state: list) -> "PartialDate":
        """The date `state()` described, without validating it again: the
        cache only holds dates that were validated when they were read."""
        date_ = object.__new__(cls)
        for name, value in zip(_FIELDS, state):
            object.__setattr__(date_, name, value)
        date_._set_instants(state[9], state[10])
        return date_

    # -- validation --------------------------------------------------------

    def _validate_fields(self) -> None:
        if self.precision not in _RANK:
            raise DateError(
                f"unknown precision {self.precision!r} (one of {', '.join(PRECISIONS)})"
            )
        rank = _RANK[self.precision]
        parts = (
            ("year", self.year, 0),
            ("month", self.month, _RANK["month"]),
            ("day", self.day, _RANK["day"]),
            ("hour", self.hour, _RANK["minute"]),
            ("minute", self.minute, _RANK["minute"]),
            ("second", self.second, _RANK["second"]),
        )
        for name, value, needed_from in parts:
            if rank >= needed_from:
                if value is None:
                    raise DateError(f"a date of precision {self.precision!r} needs a {name}")
                if not isinstance(value, int) or isinstance(value, bool):
                    raise DateError(f"the {name} must be a whole number, got {value!r}")
            elif value is not None:
                raise DateError(
                    f"a date of precision {self.precision!r} cannot have a {name}"
                )
        if not _MIN_YEAR <= self.year <= _MAX_YEAR:
            raise DateError(f"year {self.year} is out of range (years are 1 to 9999)")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateError(f"month {self.month} does not exist (months are 1 to 12)")
        if self.day is not None:
            assert self.month is not None
            days = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= days:
                raise DateError(
                    f"day {self.day} does not exist in "
                    f"{_MONTH_NAMES[self.month - 1]} {self.year} "
                    f"(it has {days} days)"
                )
        if self.hour is not None and not 0 <= self.hour <= 23:
            raise DateError(f"hour {self.hour} does not exist (hours are 00 to 23)")
        if self.minute is not None and not 0 <= self.minute <= 59:
            raise DateError(f"minute {self.minute} does not exist (minutes are 00 to 59)")
        if self.second is not None and not 0 <= self.second <= 59:
            raise DateError(f"second {self.second} does not exist (seconds are 00 to 59)")
        if self.offset_minutes is not None:
            if rank < _RANK["minute"]:
                raise DateError("only a date with a time can have a UTC offset")
            if not isinstance(self.offset_minutes, int) or isinstance(self.offset_minutes, bool):
                raise DateError(
                    f"the UTC offset must be a whole number of minutes, got {self.offset_minutes!r}"
                )
            if abs(self.offset_minutes) > _MAX_OFFSET_MINUTES:
                raise DateError(
                    f"UTC offset {_format_offset_iso(self.offset_minutes)} is out of range "
                    "(at most 23:59 either way)"
                )

    def _resolve_offset(self, zone: zoneinfo.ZoneInfo, local_s: int) -> int:
        """Offset in minutes of this wall time in ``zone``; DateError in a gap."""
        wall = _naive(local_s)
        off0, off1, exists = _wall_offsets(zone, wall)
        if not exists:
            dst_change = (
                wall.replace(tzinfo=zone, fold=0).dst() != wall.replace(tzinfo=zone, fold=1).dst()
            )
            change = _first_instant(zone, local_s)  # the moment the clocks moved
            assert self.month is not None
            raise DateError(
                f"{self._time_text()} does not exist in {self.tz} on "
                f"{self.day} {_MONTH_NAMES[self.month - 1]} {self.year} "
                f"({'daylight-saving change' if dst_change else 'time-zone change'}: "
                f"the clocks went from {_clock(change + off0, change + off1)})"
            )
        return round(off0 / 60)

    # -- instants ----------------------------------------------------------

    def start(self) -> datetime:
        """Earliest moment the date can mean, as an aware UTC datetime.

        ``2022-01`` in Asia/Almaty starts at 2022-01-01T00:00+06:00, i.e.
        2021-12-31T18:00Z. If that midnight falls in a daylight-saving gap the
        start is the moment of the change. (Clamped to datetime's range at the
        very ends of year 1 and year 9999.)
        """
        return self._start

    def last(self) -> datetime:
        """Latest moment the date can mean, as an aware UTC datetime (inclusive).

        This is the exclusive end of the period (the next year, month, day,
        minute or second) minus one microsecond, e.g. ``2022-01-07`` in UTC
        lasts until 2022-01-07T23:59:59.999999Z. Never before :meth:`start`.
        """
        return self._last

    # -- text --------------------------------------------------------------

    def _time_text(self) -> str:
        text = f"{self.hour:02d}:{self.minute:02d}"
        if self.precision == "second":
            text += f":{self.second:02d}"
        return text

    def iso(self) -> str:
        """ISO 8601 at the date's precision, times with their resolved offset.

        ``2022``, ``2022-01``, ``2022-01-07``, ``2022-01-07T15:00+06:00``,
        ``2022-01-07T15:00:30+06:00``; a zero offset is written ``+00:00``.
        """
        return self._iso

    def _make_iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.hour is not None:
            assert self.offset_minutes is not None
            text += f"T{self._time_text()}{_format_offset_iso(self.offset_minutes)}"
        return text

    def display(self) -> str:
        """Human-readable text at the date's precision.

        ``2022``, ``January 2022``, ``Friday 7 January 2022``,
        ``Friday 7 January 2022, 15:00 UTC+6``, ``... 18:00 GMT`` (the zone
        as `zone_name` gives it; seconds shown when written).
        """
        if self.month is None:
            return str(self.year)
        month = _MONTH_NAMES[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        weekday = _WEEKDAY_NAMES[date(self.year, self.month, self.day).weekday()]
        text = f"{weekday} {self.day} {month} {self.year}"
        if self.hour is not None:
            assert self.offset_minutes is not None
            text += f", {self._time_text()} {self.zone_name()}"
        return text

    def zone_name(self) -> str:
        """The time zone of a time, as people where the zone is name it
        (`GMT`, `BST`, `EST`, `CET`), else as its offset (`UTC+6`, `UTC`);
        the offset too when the time was written with one its zone does
        not have then."""
        assert self.offset_minutes is not None
        moment = datetime(self.year, self.month or 1, self.day or 1, self.hour or 0, self.minute or 0)
        return _zone_name(self.tz, self.offset_minutes, moment)

    def short(self) -> str:
        """Compact text: ``2022``, ``Jan 2022``, ``7 Jan 2022``, ``7 Jan 2022, 15:00``.

        The offset is left out; seconds are shown when written.
        """
        if self.month is None:
            return str(self.year)
        month = _MONTH_ABBRS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        text = f"{self.day} {month} {self.year}"
        if self.hour is not None:
            text += f", {self._time_text()}"
        return text

    def day_key(self) -> str | None:
        """``YYYY-MM-DD`` of the calendar day, for day precision or finer; else None.

        It is the day as written, i.e. the local date in the date's own offset.
        """
        if self.day is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _clock(before_s: int, after_s: int) -> str:
    """'HH:MM straight to HH:MM' for the wall times either side of a gap.

    Times are seconds since 0001-01-01T00:00; the dates are shown too when
    the gap crosses midnight.
    """
    before, after = _naive(before_s), _naive(after_s)
    if before.date() == after.date():
        return f"{before:%H:%M} straight to {after:%H:%M}"

    def full(moment: datetime) -> str:
        return f"{moment.day} {_MONTH_NAMES[moment.month - 1]} {moment.year} {moment:%H:%M}"

    return f"{full(before)} straight to {full(after)}"


# --------------------------------------------------------------------------
# Parsing


def parse_date(value: str, tz: str = "UTC", language: str = "en") -> PartialDate:
    """Parse a date as written in content (see the module's docstring for the forms).

    ``tz`` is the timeline's IANA time zone: a time written without an offset
    is in it. ``language`` is the timeline's (a BCP 47 tag): its month names
    are read too, in any of their cases (``7. Januar 2022``, ``7 января
    2022``, ``janvier 2022``, ``2022年1月7日``). Raises :class:`DateError` with a message that names the bad part
    (``day 30 does not exist in February 2022``) or, for text that is no
    accepted form, says why and lists the accepted forms.
    """
    if not isinstance(value, str):
        raise DateError(f"a date must be written as text, got {type(value).__name__} {value!r}")
    return _parse_text(value, tz, language)


# Dates are immutable and a timeline writes the same ones again and again
# (every entry of a day or a month): each text is read, and its instants
# worked out in its zone, once. Errors are not kept: they are raised anew.
@functools.lru_cache(maxsize=8192)
def _parse_text(value: str, tz: str, language: str = "en") -> PartialDate:
    text = value.strip()
    if not text:
        raise DateError(f"the date is empty: {ACCEPTED_FORMS}")

    m = _ISO_RE.fullmatch(text)
    if m:
        return _from_iso(m, tz)
    try:
        for regex in (_DMY_RE, _MDY_RE):
            m = regex.fullmatch(text)
            if m:
                return _from_english(m, text, tz, has_day=True)
        m = _MY_RE.fullmatch(text)
        if m:
            return _from_english(m, text, tz, has_day=False)
    except DateError:
        # "janvier 2022" has the shape of an English date: the language's
        # month names are tried before the English error is given.
        local = _from_local(text, tz, language) if language != "en" else None
        if local is None:
            raise
        return local
    if language != "en":
        local = _from_local(text, tz, language)
        if local is not None:
            return local
    raise DateError(_explain(text))


# --------------------------------------------------------------------------
# Dates with the month names of the timeline's language


_LOCAL_TIME_RE = re.compile(r"(?P<body>.*?)(?:[,\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?\s*",
                            re.S)
_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+")
_FIELD_RE = re.compile(r"'[^']*'|([A-Za-z])\1*")


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold().rstrip(".")


@dataclass(frozen=True)
class _Calendar:
    """What a language writes in a date, as CLDR has it."""

    months: Mapping[str, int]      # every month name, folded: all cases, full and abbreviated
    fillers: frozenset[str]        # other words of its date patterns ("de", "г", "ж") and weekday names
    numeric: bool                  # months written as numbers (2022年1月7日)
    month_first: bool              # of a numeric month and a day, the month comes first


@functools.lru_cache(maxsize=64)
def _calendar(language: str) -> _Calendar | None:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    months: dict[str, int] = {}
    for context in locale.months.values():
        for width in ("wide", "abbreviated"):
            for number, name in context.get(width, {}).items():
                months[_fold(name)] = number
    fillers: set[str] = set()
    for context in locale.days.values():
        for width in ("wide", "abbreviated"):
            fillers.update(_fold(name) for name in context.get(width, {}).values())
    patterns = [locale.date_formats[w].pattern for w in ("full", "long", "medium")]
    for pattern in patterns:
        for m in _FIELD_RE.finditer(pattern):
            if m.group(1) is None:
                fillers.update(_fold(w) for w in _TOKEN_RE.findall(m.group(0).strip("'")))
        literal = _FIELD_RE.sub(" ", pattern)
        fillers.update(_fold(w) for w in _TOKEN_RE.findall(literal) if not w.isdigit())
    long = patterns[1]
    fields = [m.group(0)[0] for m in _FIELD_RE.finditer(long) if m.group(1)]
    numeric = any(any(c.isdigit() for c in name) for name in locale.months["format"]["wide"].values()) or \
        re.search(r"(?<!M)M(?!M)", long) is not None
    month_first = "M" in fields and "d" in fields and fields.index("M") < fields.index("d")
    return _Calendar(MappingProxyType(months), frozenset(fillers - {""}), numeric, month_first)


def _from_local(text: str, tz: str, language: str) -> PartialDate | None:
    """A date written with the month names (or, where the language writes
    them so, the month numbers) of the timeline's language, or None."""
    calendar_ = _calendar(language)
    if calendar_ is None:
        return None
    m = _LOCAL_TIME_RE.fullmatch(text)
    if m is None:
        return None
    year: int | None = None
    month: int | None = None
    small: list[int] = []
    for token in _TOKEN_RE.findall(m.group("body")):
        if token.isdigit():
            if len(token) == 4 and year is None:
                year = int(token)
            elif len(token) <= 2:
                small.append(int(token))
            else:
                return None
            continue
        word = _fold(token)
        if word in calendar_.months and month is None:
            month = calendar_.months[word]
        elif word not in calendar_.fillers:
            return None
    if year is None:
        return None
    if month is None:
        if not calendar_.numeric or not small:
            return None
        if len(small) == 2 and not calendar_.month_first:
            small.reverse()
        month, small = small[0], small[1:]
    if len(small) > 1 or (m.group("hour") and not small):
        return None
    day = small[0] if small else None
    if day is None:
        return PartialDate(year=year, month=month, precision="month", tz=tz)
    hour = _int(m, "hour")
    second = _int(m, "second")
    precision = "day" if hour is None else "minute" if second is None else "second"
    return PartialDate(year=year, month=month, day=day, hour=hour, minute=_int(m, "minute"), second=second,
                       precision=precision, tz=tz)


def _int(m: re.Match[str], name: str) -> int | None:
    group = m.group(name)
    return None if group is None else int(group)


def _from_iso(m: re.Match[str], tz: str) -> PartialDate:
    hour = _int(m, "hour")
    second = _int(m, "second")
    if hour is None:
        precision = "day" if m.group("day") else "month" if m.group("month") else "year"
    else:
        precision = "minute" if second is None else "second"
    offset = m.group("offset")
    offset_minutes: int | None = None
    if offset is not None:
        if offset in ("Z", "z"):
            offset_minutes = 0
        else:
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                raise DateError(
                    f"UTC offset {offset} is out of range "
                    "(hours 00 to 23, minutes 00 to 59)"
                )
            offset_minutes = (hours * 60 + minutes) * (-1 if offset[0] == "-" else 1)
    return PartialDate(
        year=int(m.group("year")),
        month=_int(m, "month"),
        day=_int(m, "day"),
        hour=hour,
        minute=_int(m, "minute"),
        second=second,
        precision=precision,
        tz=tz,
        offset_minutes=offset_minutes,
    )


def _month_number(word: str, text: str) -> int:
    number = _MONTH_WORDS.get(word.lower())
    if number is None:
        message = f"{word!r} in {text!r} is not a month's name"
        close = difflib.get_close_matches(word.lower(), list(_MONTH_WORDS), n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {_MONTH_NAMES[_MONTH_WORDS[close[0]] - 1]!r}?)"
        raise DateError(f"{message}; {ACCEPTED_FORMS}")
    return number


def _from_english(m: re.Match[str], text: str, tz: str, *, has_day: bool) -> PartialDate:
    month = _month_number(m.group("monthname"), text)
    if not has_day:
        return PartialDate(year=int(m.group("year")), month=month, precision="month", tz=tz)
    hour = _int(m, "hour")
    second = _int(m, "second")
    if hour is None:
        precision = "day"
    else:
        precision = "minute" if second is None else "second"
    return PartialDate(
        year=int(m.group("year")),
        month=month,
        day=int(m.group("day")),
        hour=hour,
        minute=_int(m, "minute"),
        second=second,
        precision=precision,
        tz=tz,
    )


def _explain(text: str) -> str:
    """The message for text that is none of the accepted forms."""
    m = _NUMERIC_RE.fullmatch(text)
    if m:
        a, sep, b, c = m.group("a"), m.group("sep"), m.group("b"), m.group("c")
        if sep == "-" and len(a) == 4 and c is not None:
            return (
                f"{text!r} is not a valid ISO date: write the month and day with "
                f"two digits each (YYYY-MM-DD, e.g. {int(a):04d}-{int(b):02d}-{int(c):02d})"
            )
        if sep == "-" and len(a) == 4:
            return (
                f"{text!r} is not a valid ISO date: write the month with two digits "
                f"(YYYY-MM, e.g. {int(a):04d}-{int(b):02d})"
            )
        if c is not None and len(a) == 4:
            hint = (
                f"; if it means year-month-day, that is {int(a):04d}-{int(b):02d}-{int(c):02d}"
                if len(b) <= 2 and len(c) <= 2
                else ""
            )
            return (
                f"{text!r} is a numeric date that is not ISO 8601 (YYYY-MM-DD){hint}; "
                f"{ACCEPTED_FORMS}"
            )
        if c is not None and len(c) == 4 and len(a) <= 2 and len(b) <= 2:
            year, x, y = int(c), int(a), int(b)
            readings = sorted({iso for iso in (f"{year:04d}-{y:02d}-{x:02d}", f"{year:04d}-{x:02d}-{y:02d}")
                               if _exists(iso)})
            if len(readings) == 1:
                # 31/12/2024 can only be day-month: say so, and how to write it.
                return (f"{text!r} is a numeric date, which content does not take (most such dates could be "
                        f"read two ways); this one can only mean {_spoken(readings[0])}: write {readings[0]}")
            if not readings:
                return f"{text!r} is not a date: neither {x} nor {y} can be both a day and a month of {year}"
            hint = " or ".join(readings)
            return (
                f"{text!r} is an ambiguous numeric date, not ISO 8601 "
                f"(it could mean {hint}); {ACCEPTED_FORMS}"
            )
        return f"{text!r} is an ambiguous numeric date, not ISO 8601; {ACCEPTED_FORMS}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}[.,]\d+.*", text):
        return f"{text!r}: fractions of a second are not supported; {ACCEPTED_FORMS}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?\s*[+-]\d{2}:?\d{0,2}", text):
        return f"{text!r}: write the UTC offset as +HH:MM or -HH:MM (e.g. +06:00), or Z for UTC"
    if re.fullmatch(r"\d{1,3}", text) or re.fullmatch(r"\d{5,}", text):
        return f"{text!r} is not a four-digit year; {ACCEPTED_FORMS}"
    fixed = _tidied(text)
    if fixed is not None:
        written, why = fixed
        read = _parse_text(written, "UTC")
        iso = read.iso() if read.hour is None else read.iso()[:16]
        return f"{text!r} is not a date as written ({why}): write {written!r}, or {iso}"
    return f"{text!r} is not a date; {ACCEPTED_FORMS}"


_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)
_WEEKDAY_FIRST = re.compile(r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+", re.IGNORECASE)


def _tidied(text: str) -> tuple[str, str] | None:
    """An English date written in a form near an accepted one (`March 6th,
    2024`, `Wednesday, 6 March 2024`, `6th of March 2024`), in that
    accepted form, and what was changed; None if it is not that."""
    changes = []
    fixed = text
    ordinal = _ORDINAL.search(fixed)
    if ordinal:
        changes.append(f"no {ordinal.group(2)!r} after the day")
        fixed = _ORDINAL.sub(r"\1", fixed)
    if re.search(r"\d\s+of\s+[A-Za-z]", fixed):
        changes.append("no 'of'")
        fixed = re.sub(r"(\d)\s+of\s+", r"\1 ", fixed)
    weekday = _WEEKDAY_FIRST.match(fixed)
    if weekday:
        changes.append("no weekday")
        fixed = fixed[weekday.end():]
    fixed = re.sub(r"^(\d{1,2} [A-Za-z]+\.?),", r"\1", " ".join(fixed.split()))
    if not changes:
        return None
    try:
        _parse_text(fixed, "UTC")
    except DateError:
        return None
    return fixed, ", ".join(changes)


def _exists(iso: str) -> bool:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _spoken(iso: str) -> str:
    """'31 December 2024' of 2024-12-31."""
    d = date.fromisoformat(iso)
    return f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------
# Ordering


_FIELDS = ("year", "month", "day", "hour", "minute", "second", "precision", "tz", "offset_minutes")


def sort_key(d: PartialDate) -> tuple[int, int, int, str, str]:
    """Key ordering dates by their earliest moment, coarser precision first on a tie.

    ``2022 < 2022-01 < 2022-01-01 < 2022-01-01T00:00`` (all in one zone).
    Further ties (the same instant written with different offsets, or the
    same date in zones with the same offset) are broken by the ISO text and
    the zone's name, so the order is total and deterministic. The key is
    computed when the date is created, so this is a cheap attribute read.
    """
    return d._key
