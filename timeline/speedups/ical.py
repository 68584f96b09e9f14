"""timeline.ics's events written without the icalendar library: its text
for the few kinds of value an event of ours holds, some thirty times
faster (bench/exports.py). tests/test_ical.py holds it to the library's
bytes on generated events, folding and escaping included."""

from __future__ import annotations

import re
from datetime import date, datetime

from ..render.exports import PRODID, IcsEvent, icalendar_frame

LIMIT = 75   # octets a line may reach before it is folded (the library's rule, kept exactly)


# What a TEXT value escapes; most titles, places and tags hold none of it.
_ESCAPED = re.compile(r"[\\;,\r\n]")


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says, in the library's order."""
    if not _ESCAPED.search(value):
        return value
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _sig(value: str) -> str:
    """The library reads each value back as "utf-8-sig": a leading
    byte-order mark is dropped."""
    return value[1:] if value.startswith("\ufeff") else value


def _when(value: date | datetime) -> str:
    """A day (its VALUE parameter, then the date) or a moment in UTC, after the property's name."""
    if isinstance(value, datetime):
        return f":{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}{value.second:02d}Z"
    return f";VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"


def _fold(line: str) -> str:
    """A content line folded after at most 74 octets a line, never between
    a backslash (or ^) and what it escapes."""
    if line.isascii():
        return line if len(line) < LIMIT else "\r\n ".join(_ascii_parts(line))
    if len(line.encode("utf-8")) < LIMIT:
        return line
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode("utf-8"))
        if current and count + size >= LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, count = [carried], 1
            else:
                parts.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


def _ascii_parts(line: str) -> list[str]:
    """The loop above for a line of one-octet characters, a slice at a time."""
    parts = []
    at, size = 0, LIMIT - 1
    while len(line) - at > size:
        part = line[at:at + size]
        if part[-1] in "\\^":
            part = part[:-1]      # carried to the next line with what it escapes
        parts.append(part)
        at += len(part)
    parts.append(line[at:])
    return parts


def event_text(ev: IcsEvent) -> str:
    """The VEVENT as icalendar writes it: its properties in the library's
    order (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, then by name)."""
    lines = ["BEGIN:VEVENT", "SUMMARY:" + _sig(_text(ev.summary)), "DTSTART" + _when(ev.start)]
    if ev.end is not None:
        lines.append("DTEND" + _when(ev.end))
    lines.append("DTSTAMP" + _when(ev.dtstamp))
    lines.append("UID:" + _sig(_text(ev.uid)))
    if ev.categories:
        lines.append("CATEGORIES:" + _sig(",".join(_text(c) for c in ev.categories)))
    lines.append("DESCRIPTION:" + _sig(_text(ev.description)))
    if ev.location:
        lines.append("LOCATION:" + _sig(_text(ev.location)))
    if ev.url:
        lines.append("URL:" + _sig(ev.url))
    lines.append("END:VEVENT")
    # Most lines are short and ASCII: those need no folding, nor a call.
    return "".join([line + "\r\n" if len(line) < LIMIT and line.isascii() else _fold(line) + "\r\n"
                    for line in lines])


def calendar_frame(title: str) -> list[str]:
    """The calendar around the events, as exports.icalendar_frame writes it:
    the library writes an X- property's value as it is (no escaping), and
    refuses a line break in it, as it then still does."""
    if "\n" in title or "\r" in title:
        return icalendar_frame(title)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + PRODID, "CALSCALE:GREGORIAN", "X-WR-CALNAME:" + _sig(title)]
    return ["".join(_fold(line) + "\r\n" for line in lines), "END:VCALENDAR\r\n"]


class EventWriter:
    """event_text, with the calendar around the events (`frame`): an
    engine that writes timeline.ics with it never loads the library."""

    def __call__(self, ev: IcsEvent) -> str:
        return event_text(ev)

    @staticmethod
    def frame(title: str) -> list[str]:
        return calendar_frame(title)


WRITER = EventWriter()
