"""Reading a spreadsheet saved as CSV: its header matched to the columns
we know (TimelineJS's and ours), each row with the physical line it
starts on, and the dates of a row as TimelineJS reads them.

The dates here are free text, so their readers are lenient where
content/'s are strict, as TimelineJS is: a Year of `1,987`; a Time of
`13:30`, `13.30`, `1330`, `13:30:45.250` or `1:30 PM`; a `Start Date` of
"7 Jan 2022" or "07/01/2022", read with python-dateutil; each kept at the
precision it was written. What they never do is guess: a year before the
common era, a two-digit year or a day and month that read both ways is an
error at the row's line.

A column we do not know is kept, cell by cell, for the entry's `extra:`
(the `Extra` column is ours: a JSON object that is the entry's `extra:`)."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from dateutil import parser as dateutil_parser

from ..read.dates import MONTH_NAMES

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
    "approximate": "approximate", "updated": "updated", "correction date": "correction_date",
    "correction": "correction", "figure what": "figure_what", "figure value": "figure_value",
    "figure qualifier": "figure_qualifier", "figure unit": "figure_unit", "figure label": "figure_label",
    "figure according to": "figure_according_to", "figure source": "figure_source",
    "figure passage": "figure_passage", "extra": "extra_json",
}
SHOWN = {v: k.title() for k, v in COLUMNS.items()}
# Headers that look like one of ours but mean something else to TimelineJS.
_HINTS = {"tag": 'did you mean "Group" (older TimelineJS sheets call the group "Tag") or "Tags"?'}


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
    extra: dict[str, str] = field(default_factory=dict)   # unknown column's header -> its text
    lines: dict[str, int] = field(default_factory=dict)   # a column's own line, where it has one (JSON)
    from_json: bool = False       # a TimelineJS JSON event, read as a row

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def at(self, column: str) -> int:
        """The line to name for a problem with this column's value."""
        return self.lines.get(column, self.line)


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
        kept: dict[int, str] = {}          # position of an unknown column -> its key under extra:
        for position, name in enumerate(header):
            key = " ".join(name.split()).lower()
            if not key:
                columns.append(None)
            elif key in COLUMNS:
                if COLUMNS[key] in columns:
                    problems.append(SheetError(1, f'the column "{name.strip()}" is given twice: keep one'))
                columns.append(COLUMNS[key])
            else:
                columns.append(None)
                shown = " ".join(name.split())
                kept[position] = _unique(shown, kept.values())
                problems.append(SheetError(1, f'warning: unknown column "{shown}": its cells are kept under each '
                                           f'entry\'s "extra:" as "{kept[position]}"; {_hint(key)}'))
        if "headline" not in columns:
            problems.append(SheetError(1, 'the sheet has no "Headline" column: each event needs one'))
        if "year" not in columns and "start_date" not in columns:
            problems.append(SheetError(1, 'the sheet has no "Year" (or "Start Date") column: each event needs a date'))
        unnamed: set[int] = set()
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            found: dict[str, str] = {}
            extra: dict[str, str] = {}
            for position, cell in enumerate(cells):
                cell = _unguarded(cell.strip())
                if not cell:
                    continue
                column = columns[position] if position < len(columns) else None
                if column is not None:
                    found[column] = cell
                elif position in kept:
                    extra[kept[position]] = cell
                else:
                    # A cell under no header: kept too, named by its column's letter.
                    if position not in unnamed:
                        unnamed.add(position)
                        problems.append(SheetError(start, f'warning: column {_letter(position)} has no header but '
                                                   f'holds cells: they are kept under "extra:" as '
                                                   f'"Column {_letter(position)}"; give it a header'))
                    extra[f"Column {_letter(position)}"] = cell
            if found or extra:
                rows.append(Row(start, found, extra))
    except csv.Error as exc:
        raise SheetError(reader.line_num, f"the CSV cannot be read: {exc}") from None
    return rows, problems, [c for c in columns if c]


def _hint(key: str) -> str:
    if key in _HINTS:
        return _HINTS[key]
    close = difflib.get_close_matches(key, list(COLUMNS), n=1, cutoff=0.6)
    if close:
        return f'did you mean "{SHOWN[COLUMNS[close[0]]]}"? (then rename the header)'
    return "rename the header if it means one of the columns the README lists"


def _unique(name: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} {n}"
    return candidate


def _letter(position: int) -> str:
    """A spreadsheet's name for a column: A ... Z, AA ..."""
    out = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


_GUARDED = re.compile(r"'+[=+\-@]")


def _unguarded(cell: str) -> str:
    """A cell a spreadsheet export guarded against being run as a formula
    ('=..., '+..., '-..., '@...; ''=... for a cell that began '=) as it
    was written."""
    return cell[1:] if _GUARDED.match(cell) else cell


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
_MONTHS["sept"] = 9
_PERIOD = re.compile(r"(.*?)\s*([AaPp])\.?\s*[Mm]\.?", re.S)
_COMPACT = re.compile(r"(\d{1,2})(\d{2})")
_THOUSANDS = re.compile(r"\d{1,3}(?:[,\s]\d{3})+")
_COMMON_ERA = re.compile(r"(?:a\.?\s*d\.?\s+(\d[\d,\s]*))|(?:(\d[\d,\s]*?)\s*(?:a\.?\s*d|c\.?\s*e)\.?)", re.I)
_BCE = re.compile(r"^\s*[-\u2212]\s*\d|\d\s*(?:b\.?\s*c\.?\s*(?:e\.?)?|bce)(?:\s|$)", re.I)


def year_number(text: str, line: int, column: str) -> int:
    """A Year cell as TimelineJS reads it (`1987`, `1,987`), refused where
    it would be guessed: before the common era, or two digits."""
    if _BCE.search(text):
        raise SheetError(line, f'"{column}" "{text}" is a year before the common era: dates start at year 1, '
                         "so a timeline of earlier events cannot be built (it is never read as a year of our era)")
    era = _COMMON_ERA.fullmatch(text)
    written = era[1] or era[2] if era else text
    written = re.sub(r"[,\s]", "", written) if _THOUSANDS.fullmatch(written) else written
    if re.fullmatch(r"\d+\.0*", written):
        written = written.split(".")[0]       # a number a spreadsheet wrote as 1987.0
    if not written.isdigit() or not written.isascii():
        raise SheetError(line, f'"{column}" must be a whole number, not "{text}"')
    year = int(written)
    if year < 1:
        raise SheetError(line, f'"{column}" {year} is before year 1: dates start at year 1 '
                         "(a timeline of earlier events cannot be built)")
    if len(written) <= 2:
        raise SheetError(line, f'"{column}" "{text}" has two digits: write the year in four digits '
                         f"(20{year:02d} or 19{year:02d}; {year:04d} for the year {year})")
    if year > 9999:
        raise SheetError(line, f'"{column}" {year} is after 9999: dates end there')
    return year


def parts_date(row: Row, prefix: str = "", notes: list[SheetError] | None = None) -> SheetDate | None:
    """The date of the Year, Month, Day and Time columns (`prefix` "end_"
    for the End ones); None when the year is blank. What is read but not
    kept (milliseconds) is added to `notes`."""
    year_text = row.get(prefix + "year")
    month_text, day_text, time_text = (row.get(prefix + c) for c in ("month", "day", "time"))
    which = "End " if prefix else ""
    if not year_text:
        if month_text or day_text or time_text:
            raise SheetError(row.line, f'"{which}Month", "{which}Day" or "{which}Time" is given without '
                             f'"{which}Year": give the year')
        return None
    year = year_number(year_text, row.at(prefix + "year"), f"{which}Year")
    text = f"{year:04d}"
    if not month_text:
        if day_text or time_text:
            raise SheetError(row.line, f'"{which}Day" or "{which}Time" is given without "{which}Month": give the month')
        return SheetDate(text, "year")
    month = _month(month_text, row.at(prefix + "month"), which)
    text += f"-{month:02d}"
    if not day_text:
        if time_text:
            raise SheetError(row.line, f'"{which}Time" is given without "{which}Day": give the day')
        return SheetDate(text, "month")
    day_text = re.sub(r"(?<=\d)(st|nd|rd|th)\.?$", "", day_text, flags=re.I)   # 1st, 22nd
    if not day_text.isdigit():
        raise SheetError(row.at(prefix + "day"), f'"{which}Day" must be a day of the month (1 to 31), not "{day_text}"')
    day = int(day_text)
    try:
        datetime(year, month, day)
    except ValueError:
        raise SheetError(row.at(prefix + "day"), f'day {day} does not exist in {MONTH_NAMES[month - 1]} {year}') from None
    text += f"-{day:02d}"
    if not time_text:
        return SheetDate(text, "day")
    clock, precision, dropped = _time(time_text, row.at(prefix + "time"), which)
    if dropped and notes is not None:
        notes.append(SheetError(row.at(prefix + "time"), f'"{which}Time" "{time_text}": its milliseconds are '
                                "left out (dates are kept to the second)"))
    return SheetDate(f"{text}T{clock}", precision)


def _month(text: str, line: int, which: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    named = _MONTHS.get(text.lower().rstrip("."))
    if named:
        return named
    raise SheetError(line, f'"{which}Month" must be 1 to 12 or a month\'s name, not "{text}"')


def _time(text: str, line: int, which: str) -> tuple[str, str, bool]:
    """(HH:MM or HH:MM:SS, its precision, whether milliseconds were left
    out) from a Time as TimelineJS reads it: 13:30, 13.30, 1330, 13,
    13:30:15, 13:30:15.250, 1:30 PM, 1 PM."""
    body, period = text.strip(), None
    m = _PERIOD.fullmatch(body)
    if m:
        body, period = m[1].strip(), m[2].lower()
    compact = _COMPACT.fullmatch(body)
    parts = [compact[1], compact[2]] if compact else re.split(r"\s*[:.]\s*", body)
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() and p.isascii() and len(p) <= (2 if i < 3 else 6)
                                           for i, p in enumerate(parts)):
        raise SheetError(line, f'"{which}Time" "{text}" is not a time of day: write it as 13:30, 1330 or 1:30 PM')
    hour, minute = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    second = int(parts[2]) if len(parts) > 2 else None
    dropped = len(parts) > 3 and int(parts[3]) != 0
    if period is not None:
        if not 1 <= hour <= 12:
            raise SheetError(line, f'"{which}Time" "{text}": with AM or PM the hour is 1 to 12')
        hour = hour % 12 + (12 if period == "p" else 0)
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        raise SheetError(line, f'"{which}Time" "{text}" is not a time of day: write it as 13:30, 1330 or 1:30 PM')
    if second is not None:
        return f"{hour:02d}:{minute:02d}:{second:02d}", "second", dropped
    return f"{hour:02d}:{minute:02d}", "minute", dropped


_NUMERIC = re.compile(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
_YEAR_FIRST = re.compile(r"\s*\d{4}[/.\-]\d{1,2}(?:[/.\-]\d{1,2})?(?:$|[\sT])")
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))


def free_date(text: str, line: int, column: str, dayfirst: bool | None) -> SheetDate:
    """A whole date in free form ("7 Jan 2022", "2022-01-07 15:00",
    "07/01/2022"), at the precision written. `dayfirst`: how to read a
    numeric day and month (None: not said)."""
    if _BCE.search(text):
        raise SheetError(line, f'"{column}" "{text}" is a year before the common era: dates start at year 1, '
                         "so a timeline of earlier events cannot be built (it is never read as a year of our era)")
    numeric = _NUMERIC.match(text)
    first_is_day = dayfirst
    year_first = bool(_YEAR_FIRST.match(text))
    if year_first:
        first_is_day = False              # ISO (2031-01-07) reads one way, whatever the sheet's order
    elif numeric:
        a, b = int(numeric[1]), int(numeric[2])
        if a > 12 and b <= 12:
            first_is_day = True           # reads only one way
        elif b > 12 and a <= 12:
            first_is_day = False
        elif a != b and dayfirst is None:
            raise SheetError(line, f'"{column}" "{text}" could be {_numeric_reading(a, b, numeric[3])} or '
                             f'{_numeric_reading(b, a, numeric[3])}: give --dayfirst or --monthfirst')
    try:
        readings = [dateutil_parser.parse(text, default=d, dayfirst=bool(first_is_day), yearfirst=year_first)
                    for d in _DEFAULTS]
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
    offset = one.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        out += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return SheetDate(out, precision)


def _numeric_reading(day: int, month: int, year: str) -> str:
    return f"{day} {MONTH_NAMES[month - 1]} {year}" if 1 <= month <= 12 else "?"
