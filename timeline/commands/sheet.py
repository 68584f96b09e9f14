"""Reading a spreadsheet saved as CSV: its header matched to the columns
we know (TimelineJS's and ours), each row with the physical line it
starts on, and the dates of a row as TimelineJS reads them.

The dates here are free text, so their readers are lenient where
content/'s are strict: a Time of `13:30`, `1330` or `1:30 PM`; a `Start
Date` of "7 Jan 2022" or "07/01/2022", read with python-dateutil; each
kept at the precision it was written."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from datetime import datetime

from dateutil import parser as dateutil_parser

from ..dates import MONTH_NAMES

# Each known column: its name as a header gives it (any case), and what we call it.
COLUMNS = {
    "year": "year", "month": "month", "day": "day", "time": "time",
    "end year": "end_year", "end month": "end_month", "end day": "end_day", "end time": "end_time",
    "start date": "start_date", "end date": "end_date",
    "display date": "display_date", "headline": "headline", "text": "text",
    "media": "media", "media credit": "media_credit", "media caption": "media_caption",
    "media thumbnail": "media_thumbnail", "alt text": "alt_text", "type": "type", "group": "group",
    "background": "background",
    "place": "place", "tags": "tags", "people": "people", "sources": "sources", "passage": "passage",
    "quote": "quote", "quote by": "quote_by", "quote source": "quote_source",
}
SHOWN = {v: k.title().replace("Alt Text", "Alt Text") for k, v in COLUMNS.items()}


class SheetError(Exception):
    """A problem at a line of the sheet."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Row:
    line: int                     # the physical line of the CSV where it starts
    cells: dict[str, str]         # known column -> its text, outer spaces off

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def read_sheet(raw: bytes) -> tuple[list[Row], list[SheetError], list[str]]:
    """(rows, problems, columns found) of a CSV's bytes. Problems of the
    header are errors but an unknown column, which is a warning (its
    message starts "warning:")."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SheetError(line, 'the file is not UTF-8 text: save it again as "CSV UTF-8" '
                         "(in the spreadsheet's Save As or Download menu)") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[SheetError] = []
    rows: list[Row] = []
    try:
        header = next(reader, None)
        if header is None:
            raise SheetError(1, "the sheet is empty: its first row must name the columns (Year, Headline, ...)")
        columns: list[str | None] = []
        for name in header:
            key = " ".join(name.split()).lower()
            if not key:
                columns.append(None)
            elif key in COLUMNS:
                if COLUMNS[key] in columns:
                    problems.append(SheetError(1, f'the column "{name.strip()}" is given twice: keep one'))
                columns.append(COLUMNS[key])
            else:
                close = difflib.get_close_matches(key, list(COLUMNS), n=1, cutoff=0.6)
                hint = f'; did you mean "{SHOWN[COLUMNS[close[0]]]}"?' if close else " and is left out"
                problems.append(SheetError(1, f'warning: unknown column "{name.strip()}"{hint}'))
                columns.append(None)
        if "headline" not in columns:
            problems.append(SheetError(1, 'the sheet has no "Headline" column: each event needs one'))
        if "year" not in columns and "start_date" not in columns:
            problems.append(SheetError(1, 'the sheet has no "Year" (or "Start Date") column: each event needs a date'))
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            found = {}
            for column, cell in zip(columns, cells):
                if column is not None and cell.strip():
                    found[column] = cell.strip()
            if any(c.strip() for c in cells):
                rows.append(Row(start, found))
    except csv.Error as exc:
        raise SheetError(reader.line_num, f"the CSV cannot be read: {exc}") from None
    return rows, problems, [c for c in columns if c]


# ---- dates ----

@dataclass
class SheetDate:
    """A date from a row, as content/ writes it: ISO at its precision."""

    text: str                    # 2022, 2022-01, 2022-01-07, 2022-01-07T13:30, ...+06:00
    precision: str               # year, month, day, minute, second

    @property
    def day_part(self) -> str:
        return self.text[:10]


_MONTHS = {name.lower(): i + 1 for i, name in enumerate(MONTH_NAMES)}
_MONTHS.update({name[:3].lower(): i + 1 for i, name in enumerate(MONTH_NAMES)})
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp])\.?\s*[Mm]\.?")
_CLOCK24 = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_COMPACT = re.compile(r"(\d{3,4})")


def parts_date(row: Row, prefix: str = "") -> SheetDate | None:
    """The date of the Year, Month, Day and Time columns (`prefix` "end_"
    for the End ones); None when the year is blank."""
    year_text = row.get(prefix + "year")
    month_text, day_text, time_text = (row.get(prefix + c) for c in ("month", "day", "time"))
    which = "End " if prefix else ""
    if not year_text:
        if month_text or day_text or time_text:
            raise SheetError(row.line, f'"{which}Month", "{which}Day" or "{which}Time" is given without '
                             f'"{which}Year": give the year')
        return None
    if not re.fullmatch(r"-?\d+", year_text):
        raise SheetError(row.line, f'"{which}Year" must be a whole number, not "{year_text}"')
    year = int(year_text)
    if year < 1:
        raise SheetError(row.line, f'"{which}Year" {year} is before year 1: dates start at year 1 '
                         "(a timeline of earlier events cannot be built)")
    if year > 9999:
        raise SheetError(row.line, f'"{which}Year" {year} is after 9999: dates end there')
    text = f"{year:04d}"
    if not month_text:
        if day_text or time_text:
            raise SheetError(row.line, f'"{which}Day" or "{which}Time" is given without "{which}Month": give the month')
        return SheetDate(text, "year")
    month = _month(month_text, row.line, which)
    text += f"-{month:02d}"
    if not day_text:
        if time_text:
            raise SheetError(row.line, f'"{which}Time" is given without "{which}Day": give the day')
        return SheetDate(text, "month")
    if not day_text.isdigit():
        raise SheetError(row.line, f'"{which}Day" must be a day of the month (1 to 31), not "{day_text}"')
    day = int(day_text)
    try:
        datetime(year, month, day)
    except ValueError:
        raise SheetError(row.line, f'day {day} does not exist in {MONTH_NAMES[month - 1]} {year}') from None
    text += f"-{day:02d}"
    if not time_text:
        return SheetDate(text, "day")
    clock, precision = _time(time_text, row.line, which)
    return SheetDate(f"{text}T{clock}", precision)


def _month(text: str, line: int, which: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    named = _MONTHS.get(text.lower().rstrip("."))
    if named:
        return named
    raise SheetError(line, f'"{which}Month" must be 1 to 12 or a month\'s name, not "{text}"')


def _time(text: str, line: int, which: str) -> tuple[str, str]:
    """HH:MM or HH:MM:SS from 13:30, 1330, 1:30 PM, 1 PM, 13:30:15."""
    hour = minute = None
    second = None
    m = _CLOCK.fullmatch(text)
    if m:
        hour, minute, second = int(m[1]), int(m[2] or 0), m[3]
        if not 1 <= hour <= 12:
            raise SheetError(line, f'"{which}Time" "{text}": with AM or PM the hour is 1 to 12')
        hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
    elif (m := _CLOCK24.fullmatch(text)):
        hour, minute, second = int(m[1]), int(m[2]), m[3]
    elif (m := _COMPACT.fullmatch(text)):
        digits = m[1].zfill(4)
        hour, minute = int(digits[:2]), int(digits[2:])
    if hour is None or hour > 23 or minute > 59 or (second is not None and int(second) > 59):
        raise SheetError(line, f'"{which}Time" "{text}" is not a time of day: write it as 13:30, 1330 or 1:30 PM')
    if second is not None:
        return f"{hour:02d}:{minute:02d}:{int(second):02d}", "second"
    return f"{hour:02d}:{minute:02d}", "minute"


_NUMERIC = re.compile(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))


def free_date(text: str, line: int, column: str, dayfirst: bool | None) -> SheetDate:
    """A whole date in free form ("7 Jan 2022", "2022-01-07 15:00",
    "07/01/2022"), at the precision written. `dayfirst`: how to read a
    numeric day and month (None: not said)."""
    numeric = _NUMERIC.match(text)
    first_is_day = dayfirst
    if numeric:
        a, b = int(numeric[1]), int(numeric[2])
        if a > 12 and b <= 12:
            first_is_day = True           # reads only one way
        elif b > 12 and a <= 12:
            first_is_day = False
        elif a != b and dayfirst is None:
            raise SheetError(line, f'"{column}" "{text}" could be {_numeric_reading(a, b, numeric[3])} or '
                             f'{_numeric_reading(b, a, numeric[3])}: give --dayfirst or --monthfirst')
    try:
        readings = [dateutil_parser.parse(text, default=d, dayfirst=bool(first_is_day)) for d in _DEFAULTS]
    except (ValueError, OverflowError):
        raise SheetError(line, f'"{column}" "{text}" is not a date this can read: write it as 2022-01-07, '
                         '7 January 2022 or January 2022 (a time may follow: 2022-01-07 15:00)') from None
    one, two = readings
    if one.year != two.year:
        raise SheetError(line, f'"{column}" "{text}" has no year: give the year in four digits')
    digits = re.findall(r"\d+", text)
    if f"{one.year:04d}" not in digits and str(one.year) not in digits:
        raise SheetError(line, f'"{column}" "{text}" has a two-digit year: write the year in four digits')
    if one.year < 1:
        raise SheetError(line, f'"{column}" "{text}" is before year 1: dates start at year 1')
    out = f"{one.year:04d}"
    if one.month != two.month:
        return SheetDate(out, "year")
    out += f"-{one.month:02d}"
    if one.day != two.day:
        return SheetDate(out, "month")
    out += f"-{one.day:02d}"
    if one.hour != two.hour:
        return SheetDate(out, "day")
    precision = "second" if one.second == two.second else "minute"
    out += f"T{one.hour:02d}:{one.minute:02d}" + (f":{one.second:02d}" if precision == "second" else "")
    if one.tzinfo is not None:
        offset = one.utcoffset()
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        out += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return SheetDate(out, precision)


def _numeric_reading(day: int, month: int, year: str) -> str:
    return f"{day} {MONTH_NAMES[month - 1]} {year}" if 1 <= month <= 12 else "?"
