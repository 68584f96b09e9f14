"""TimelineJS's JSON (`{"title", "events", "eras", "scale"}`) read as the
rows of a sheet, so that the one importer treats both alike: each event
a row, the title slide the row of Type "title", each era a row of Type
"era". Every value keeps the line it was written on, so that a problem is
named at the JSON's own line."""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from typing import Any, Callable

from .sheet import Row, SheetError


class Lined(dict):
    """A JSON object that knows its line and the line of each key."""

    line: int
    lines: dict[str, int]


class LinedList(list):
    line: int


# A script that holds the timeline (`var timeline_json = {...};`, or the
# build's own timelinejs.js, `window.TIMELINE_JSON = {...};`).
_ASSIGNED = re.compile(rb"\s*(?:(?:var|let|const)\s+[\w$]+|window\.[\w$]+|export\s+default)\s*=?\s*(?=\{)")


def is_json(raw: bytes, name: str) -> bool:
    """TimelineJS JSON, told by its content: an object where a sheet has
    its header row, or a script assigning one (a file named .json is read
    as JSON whatever it holds, so that a broken one is named as such)."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") or bool(_ASSIGNED.match(head)) or name.lower().endswith(".json")


def _unwrapped(text: str) -> str:
    """The object of a script that assigns it, and JSON as JavaScript
    writes it (a comma before a closing bracket): each removed character
    becomes a space, so that lines and columns stay where they were."""
    m = _ASSIGNED.match(text.encode("utf-8")[:4096]) if not text.lstrip().startswith("{") else None
    if m:
        prefix = m.group(0).decode("utf-8")
        text = "".join(ch if ch == "\n" else " " for ch in prefix) + text[len(prefix):]
        end = text.rstrip().rstrip(";")
        text = end + " " * (len(text) - len(end))
    out = list(text)
    in_string = escaped = False
    last_comma: int | None = None
    for i, ch in enumerate(out):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string, last_comma = True, None
        elif ch == ",":
            last_comma = i
        elif ch in "}]":
            if last_comma is not None:
                out[last_comma] = " "
            last_comma = None
        elif not ch.isspace():
            last_comma = None
    return "".join(out)


def parse(text: str) -> Any:
    """JSON with a line on every object and list (json's own decoder with
    its object and list readers wrapped)."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(newlines, pos - 1) + 1

    ws = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Callable[[str, int], tuple[Any, int]],
                     object_hook: object, object_pairs_hook: object, memo: object = None,
                     _w: Callable[[str, int], re.Match[str]] = ws) -> tuple[Lined, int]:
        s, end = s_and_end
        obj = Lined()
        obj.line, obj.lines = line_of(end - 1), {}
        end = _w(s, end).end()
        if s[end:end + 1] == "}":
            return obj, end + 1
        while True:
            if s[end:end + 1] != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", s, end)
            key_line = line_of(end)
            key, end = json.decoder.scanstring(s, end + 1, strict)  # type: ignore[attr-defined]  # not in the stubs
            end = _w(s, end).end()
            if s[end:end + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", s, end)
            end = _w(s, end + 1).end()
            try:
                value, end = scan_once(s, end)
            except StopIteration as err:
                raise json.JSONDecodeError("Expecting value", s, err.value) from None
            obj[key], obj.lines[key] = value, key_line
            end = _w(s, end).end()
            ch = s[end:end + 1]
            end += 1
            if ch == "}":
                return obj, end
            if ch != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", s, end - 1)
            end = _w(s, end).end()

    def parse_array(s_and_end: tuple[str, int],
                    scan_once: Callable[[str, int], tuple[Any, int]]) -> tuple[LinedList, int]:
        values, end = json.decoder.JSONArray(s_and_end, scan_once)  # type: ignore[attr-defined]  # not in the stubs
        out = LinedList(values)
        out.line = line_of(s_and_end[1] - 1)
        return out, end

    # json's own scanner, with the object and list readers swapped: the
    # attributes it reads them from are not in the library's type stubs.
    decoder: Any = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def read_json(raw: bytes) -> tuple[list[Row], list[SheetError]]:
    """The rows of a TimelineJS JSON file, and its warnings (messages
    starting "warning: ")."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(raw[:exc.start].count(b"\n") + 1, "the file is not UTF-8 text: save it as UTF-8") from None
    try:
        data = parse(_unwrapped(text))
    except json.JSONDecodeError as exc:
        raise SheetError(exc.lineno, f"this is not valid JSON: {exc.msg} (column {exc.colno}); TimelineJS's "
                         "JSON is one object with \"events\"") from None
    if not isinstance(data, Lined) or not ("events" in data or "title" in data):
        if isinstance(data, Lined) and isinstance(data.get("timeline"), dict):
            raise SheetError(data.lines["timeline"], 'this is TimelineJS 2\'s JSON ("timeline": {"date": ...}), '
                             "which is not read: open it in TimelineJS 3 or a sheet and save it again")
        raise SheetError(1, 'this JSON is not a TimelineJS timeline: it needs an object with "events" '
                         '(and "title", "eras" if any)')
    problems: list[SheetError] = []
    scale = data.get("scale")
    if scale is not None:
        if str(scale).strip().lower() == "cosmological":
            raise SheetError(data.lines["scale"], 'the timeline\'s "scale" is "cosmological": its dates are years '
                             "before our era and beyond, which this cannot build (dates start at year 1)")
        if str(scale).strip().lower() != "human":
            problems.append(SheetError(data.lines["scale"], f'warning: "scale" "{scale}" is not one TimelineJS '
                                       'knows ("human" or "cosmological"); read as "human"'))
    rows: list[Row] = []
    title = data.get("title")
    if title is not None:
        _must(title, Lined, data.lines["title"], '"title" must be an object (the title slide)')
        row = _slide(title)
        row.cells["type"] = "title"
        rows.append(row)
    events = _listed(data, "events")
    _must(events, list, data.lines.get("events", 1), '"events" must be a list of events')
    if events and not any(isinstance(e, dict) and ("start_date" in e or "text" in e) for e in events):
        raise SheetError(events.line, 'these "events" are not TimelineJS\'s: each is an object with "start_date" '
                         '({"year": ...}) and "text" ({"headline": ..., "text": ...})')
    for event in events:
        _must(event, Lined, events.line, "each of the events must be an object")
        rows.append(_slide(event))
    eras = _listed(data, "eras")
    _must(eras, list, data.lines.get("eras", 1), '"eras" must be a list of eras')
    for era in eras:
        _must(era, Lined, eras.line, "each of the eras must be an object")
        row = _slide(era)
        row.cells["type"] = "era"
        rows.append(row)
    return rows, problems


def _listed(data: Lined, key: str) -> Any:
    """A list of the file ("events", "eras"); absent or null, none."""
    value = data.get(key)
    if value is None:
        value = LinedList()
        value.line = data.lines.get(key, data.line)
    return value


def _must(value: Any, kind: type, line: int, message: str) -> None:
    if not isinstance(value, kind):
        raise SheetError(line, message)


def _slide(obj: Lined) -> Row:
    """An event, era or title slide as a sheet's row."""
    row = Row(obj.line, {}, from_json=True)
    for key, which in (("start_date", ""), ("end_date", "end_")):
        if key in obj and obj[key] not in (None, ""):
            _must(obj[key], Lined, obj.lines[key], f'"{key}" must be an object ({{"year": 2022, "month": 1, ...}})')
            _date(obj[key], which, row)
    text = obj.get("text")
    if text is not None:
        _must(text, Lined, obj.lines["text"], '"text" must be an object ({"headline": ..., "text": ...})')
        _set(row, "headline", text, "headline")
        _set(row, "text", text, "text")
    media = obj.get("media")
    if media is not None and media != "":
        _must(media, Lined, obj.lines["media"], '"media" must be an object ({"url": ..., "caption": ...})')
        for key, column in (("url", "media"), ("caption", "media_caption"), ("credit", "media_credit"),
                            ("alt", "alt_text")):
            _set(row, column, media, key)
    _set(row, "group", obj, "group")
    _set(row, "unique_id", obj, "unique_id")
    shown = _cell(obj.get("display_date"))
    if shown:
        row.cells["display_date"] = shown
        row.lines["display_date"] = obj.lines["display_date"]
    else:
        # TimelineJS shows a date's own display_date in place of that date.
        start, end = (_cell(obj[k].get("display_date")) if isinstance(obj.get(k), dict) else ""
                      for k in ("start_date", "end_date"))
        if start or end:
            row.cells["display_date"] = " \u2014 ".join(x for x in (start, end) if x)
    return row


def _date(obj: Lined, which: str, row: Row) -> None:
    """A start_date or end_date object as the Year, Month, Day and Time
    columns (milliseconds with the seconds, as a Time holds them)."""
    for key in ("year", "month", "day"):
        _set(row, which + key, obj, key)
    hour, minute, second, ms = (_cell(obj.get(k)) for k in ("hour", "minute", "second", "millisecond"))
    if hour or minute or second or ms:
        if not hour:
            raise SheetError(obj.line, f'"{which or "start_"}date" gives a minute or second without "hour"')
        clock = hour + ":" + (minute or "0").zfill(2)
        if second or ms:
            clock += ":" + (second or "0").zfill(2) + (f".{ms}" if ms else "")
        row.cells[which + "time"] = clock
        row.lines[which + "time"] = obj.lines.get("hour", obj.line)


def _set(row: Row, column: str, obj: Lined, key: str) -> None:
    value = _cell(obj.get(key))
    if value:
        row.cells[column] = value
        row.lines[column] = obj.lines[key]


def _cell(value: Any) -> str:
    """A JSON value as the text a sheet's cell would hold."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
