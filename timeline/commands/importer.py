"""`build.py import FILE.csv|FILE.json`: a spreadsheet of curated events
and quotes (TimelineJS's columns, and ours), or TimelineJS's JSON, as dated
Markdown entries.

Every row is read and checked first; only a sheet with no error plans
its files, and only then are they written (files.write_planned): a bad
sheet leaves the content folder as it was. Nothing a sheet holds is
dropped in silence: what an entry cannot show is kept (under `extra:`, or
as a comment in its front matter) and named in a warning at its line."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from ..read.dates import DateError, PartialDate, parse_date
from ..errors import Problems
from ..check.media import image_size
from ..read.names import slugify
from ..read.settings import load_settings
from ..read.sources import SOURCE_ID
from . import tljson
from .files import CommandError, Planned, write_planned, yaml_list, yaml_text
from .html2md import escape, looks_like_html, plain_text, to_inline_markdown, to_markdown, web_address
from .sheet import Row, SheetDate, SheetError, free_date, parts_date, read_sheet


@dataclass
class Quote:
    text: str
    by: str
    source: str


@dataclass
class Figure:
    what: str
    value: str                # as written: a number
    source: str
    qualifier: str = ""
    unit: str = ""
    label: str = ""
    according_to: str = ""
    passage: str = ""


@dataclass
class Correction:
    date: str
    text: str


@dataclass
class MediaItem:
    """One item of an entry's `media:`; with a `note`, one written as a
    comment, since the build could not show it (the note says why)."""

    file: str = ""
    url: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    note: str = ""


@dataclass
class Event:
    """One entry to write, from a row (and the rows that add its quotes)."""

    line: int
    title: str
    date: SheetDate
    end: SheetDate | None
    display_date: str = ""
    group: str = ""
    place: str = ""
    tags: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)     # the citations' ids, in order
    passages: list[str] = field(default_factory=list)    # each citation's passage ("" for none)
    quotes: list[Quote] = field(default_factory=list)
    media: list[MediaItem] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    approximate: bool = False
    updated: str = ""
    extra: object = field(default_factory=dict)     # a dict but where the sheet's Extra is other JSON
    rows: int = 1             # the sheet's rows read into it (the first, and those repeating it)
    held: list[int] = field(default_factory=list)   # lines of further rows that add nothing (yet)
    slug: str = ""            # the file's slug, when the source names one (TimelineJS's unique_id)
    slug_line: int = 0
    body: str = ""
    cells: dict[str, str] = field(default_factory=dict)   # the row's cells as read


@dataclass
class Era:
    line: int
    title: str
    date: SheetDate
    end: SheetDate
    comments: list[str] = field(default_factory=list)   # its cells the settings have no field for


@dataclass
class TitleSlide:
    """The title row (or the JSON's title slide): the settings' title and
    the introduction."""

    line: int
    title: str
    intro: str
    media: list[MediaItem] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)   # its cells the settings have no field for


@dataclass
class Imported:
    """What a sheet says: its events, its title row and its eras."""

    events: list[Event]
    title: TitleSlide | None = None
    eras: list[Era] = field(default_factory=list)


@dataclass
class Report:
    """What the import did, or would do (--dry-run)."""

    planned: Planned
    drafts: list[Path]
    replaced: list[Path]
    paste: str = ""          # settings for an existing _index.md, to paste


def run(path: Path, shown: str, content: Path, *, dayfirst: bool | None, force: bool, dry_run: bool,
        problems: Problems) -> Report | None:
    """Import the sheet (or TimelineJS JSON, told by its content); None
    when it has errors (in `problems`)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{shown}: cannot read it: {exc.strerror}") from None
    settings_problems = Problems()
    settings = load_settings(content, str(content), settings_problems)
    if settings_problems.errors:
        problems.extend(settings_problems)
        return None
    try:
        if tljson.is_json(raw, path.name):
            rows, sheet_problems = tljson.read_json(raw)
        else:
            rows, sheet_problems, _ = read_sheet(raw)
    except SheetError as exc:
        problems.error(shown, exc.line, exc.message)
        return None
    for p in sorted(sheet_problems, key=lambda p: p.line):
        if p.message.startswith("warning: "):
            problems.warning(shown, p.line, p.message[len("warning: "):])
        else:
            problems.error(shown, p.line, p.message)
    if problems.errors:
        return None
    imported = read_rows(rows, shown, settings.timezone, dayfirst, problems, content)
    if problems.errors:
        return None
    report = plan(imported, content, settings.timezone, force, shown, problems)
    if report is None or problems.errors:
        return None
    if not dry_run:
        report.replaced = write_planned(report.planned, force=force)
    return report


# ---- rows to events ----

def read_rows(rows: list[Row], shown: str, tz: str, dayfirst: bool | None, problems: Problems,
              content: Path) -> Imported:
    imported = Imported([])
    by_key: dict[tuple[str, str], Event] = {}
    for row in rows:
        notes: list[SheetError] = []
        try:
            kind = row.get("type").lower()
            if kind == "title" and imported.title is not None:
                # TimelineJS shows a second title slide as an event.
                notes.append(SheetError(row.at("type"), f'a second row of Type "title" (the first is line '
                                        f'{imported.title.line}): it is read as an event, as TimelineJS does'))
                kind = ""
            if kind == "title":
                imported.title = TitleSlide(row.line, plain_text(row.get("headline")), to_markdown(row.get("text")))
                body = _media(row, imported.title.media, content, notes)
                if body:
                    imported.title.intro = _joined(imported.title.intro, body)
                _title_media(imported.title, notes)
                imported.title.comments = _unkept(row, "the title row", notes, ("display_date", "group", *_OURS))
                continue
            start, end = _dates(row, tz, dayfirst, notes)
            if kind == "era":
                if not row.get("headline"):
                    raise SheetError(row.line, 'an era row needs a "Headline": the era\'s name')
                if start is None or end is None:
                    raise SheetError(row.line, "an era needs a start and an end date (Year ... and End Year ...)")
                imported.eras.append(Era(row.line, plain_text(row.get("headline")), start, end,
                                         _unkept(row, "an era", notes, ("text", "media", "media_caption",
                                                                        "media_credit", "alt_text", "display_date",
                                                                        "group", *_OURS))))
                continue
            if kind:
                raise SheetError(row.at("type"), f'unknown Type "{row.get("type")}": leave it blank for an event, '
                                 'or write "title" or "era"')
            if start is None:
                what = plain_text(row.get("headline")) or _short(plain_text(row.get("text")))
                raise SheetError(row.line, (f'"{_short(what)}" has no date' if what else "this event has no date")
                                 + (': give it a "start_date" ({"year": 2022, ...})' if row.from_json
                                    else ': fill in "Year" (or "Start Date")'))
            title = plain_text(row.get("headline")) or _untitled(row, start, notes)
            key = (" ".join(title.casefold().split()), start.text)
            sources = _list(row.get("sources"))
            for sid in sources:
                if not SOURCE_ID.fullmatch(sid):
                    raise SheetError(row.line, f'"{sid}" in "Sources" is not a source id: ids are lowercase '
                                     "letters, digits and hyphens, as in seeds/sources.yaml; separate several with ;")
            earlier = by_key.get(key) if row.get("headline") else None
            # Verbatim text, as written: the check of a passage ignores its spacing, the round trip does not.
            passage = row.get("passage")
            if earlier is not None and passage == earlier.cells.get("passage"):
                passage = ""       # the first row's, copied down with its other cells: no further citation
            if earlier is not None and passage and len(sources) != 1:
                raise SheetError(row.line, f'this row gives a "Passage" for line {earlier.line}\'s event: its '
                                 '"Sources" must name the one source the passage is from')
            # A row that adds a quote may leave out the sources its event names already.
            quote = _quote(row, sources or (earlier.sources if earlier else []))
            if earlier is not None:
                _repeat(earlier, row, sources, passage, quote, tz, content, notes)
                continue
            event = Event(row.line, title, start, end, display_date=plain_text(row.get("display_date")),
                          group=plain_text(row.get("group")), place=plain_text(row.get("place")),
                          tags=_list(row.get("tags")), people=_list(row.get("people")), sources=sources,
                          passages=[passage if i == 0 else "" for i in range(len(sources))],
                          quotes=[quote] if quote else [], body=to_markdown(row.get("text")),
                          approximate=_yes(row, "approximate"), updated=_date_cell(row, "updated", tz),
                          extra=_extra(row, notes), slug=row.get("unique_id"), slug_line=row.at("unique_id"),
                          cells=row.cells)
            _frames(row, notes)
            if passage and not sources:
                raise SheetError(row.line, '"Passage" is given without "Sources": name the source it is from')
            body = _media(row, event.media, content, notes)
            if body:
                event.body = _joined(event.body, body)
            figure = _figure(row, sources)
            if figure is not None:
                event.figures.append(figure)
            correction = _correction(row, tz)
            if correction is not None:
                event.corrections.append(correction)
            if row.get("headline"):
                # Only a Headline of the sheet's own says that a later row is the same event.
                by_key[key] = event
            imported.events.append(event)
        except SheetError as exc:
            problems.error(shown, exc.line, _json_names(exc.message) if row.from_json else exc.message)
        finally:
            for note in notes:
                problems.warning(shown, note.line, _json_names(note.message) if row.from_json else note.message)
    for event in imported.events:
        for line in event.held:
            problems.error(shown, line, f'this row repeats the Headline and date of line {event.line} but adds '
                           'nothing to its event: a repeated row adds a "Quote", a "Media" item, a figure ("Figure '
                           'What", ...), a "Correction" or a "Passage" (with its one source in "Sources"), or holds '
                           "the place of a later row's Passage; remove it or give what it adds")
    return imported


# The sheet's column names in messages, as a JSON file names those values.
_JSON_NAMES = {f'"{end}{part}"': f'"{key}.{json}"' for end, key in (("", "start_date"), ("End ", "end_date"))
               for part, json in (("Year", "year"), ("Month", "month"), ("Day", "day"), ("Time", "hour"))}
_JSON_NAMES.update({'"Media"': '"media.url"', '"Headline"': '"text.headline"', '"Text"': '"text.text"',
                    '"Alt Text"': '"media.alt"', '"Media Caption"': '"media.caption"'})
_JSON_NAME = re.compile("|".join(re.escape(name) for name in sorted(_JSON_NAMES, key=len, reverse=True)))


def _json_names(message: str) -> str:
    return _JSON_NAME.sub(lambda m: _JSON_NAMES[m.group()], message)


_FIGURE_COLUMNS = ("figure_what", "figure_value", "figure_qualifier", "figure_unit", "figure_label",
                   "figure_according_to", "figure_source", "figure_passage")

# Our columns, which only an event has a place for.
_OURS = ("place", "tags", "people", "sources", "passage", "quote", "quote_by", "quote_source", "approximate",
         "updated", "correction_date", "correction", *_FIGURE_COLUMNS, "extra_json")

_MEDIA_COLUMNS = ("media", "media_credit", "media_caption", "alt_text")

# What a row repeating an earlier event's Headline and date is read for (or repeats).
_REPEAT_COLUMNS = {"year", "month", "day", "time", "start_date", "headline", "sources", "passage", "quote",
                   "quote_by", "quote_source", "type", "correction_date", "correction", *_MEDIA_COLUMNS,
                   *_FIGURE_COLUMNS}


def _repeat(earlier: Event, row: Row, sources: list[str], passage: str, quote: Quote | None, tz: str,
            content: Path, notes: list[SheetError]) -> None:
    """A further row of an event: the n-th row holds the event's n-th
    quote, media item, figure, correction and cited passage (any of them);
    a row that adds none is an error."""
    index = earlier.rows
    earlier.rows += 1
    def copied(columns: tuple[str, ...]) -> bool:
        # The first row's cells, filled down with the others: nothing further.
        return all(row.get(c) == earlier.cells.get(c, "") for c in columns)

    figure = None if copied(_FIGURE_COLUMNS) else _figure(row, sources or earlier.sources)
    correction = None if copied(("correction_date", "correction")) else _correction(row, tz)
    media = "" if copied(_MEDIA_COLUMNS) else row.get("media")
    if quote is None and passage == "" and figure is None and correction is None and not media:
        # Only a later row's cited passage can give it a use: it holds that
        # passage's place (the n-th citation's passage is on the n-th row).
        earlier.held.append(row.line)
    if quote is not None:
        earlier.quotes.append(quote)
    if passage:
        sid = sources[0]
        if sid not in earlier.sources:
            raise SheetError(row.line, f'the "Passage" is from "{sid}", which line {earlier.line}\'s "Sources" '
                             "does not name: add it there")
        earlier.held.clear()
        if index < len(earlier.sources) and earlier.sources[index] == sid and not earlier.passages[index]:
            earlier.passages[index] = passage
        else:
            # A further citation of the source (a source cited for two passages).
            at = min(index, len(earlier.sources))
            earlier.sources.insert(at, sid)
            earlier.passages.insert(at, passage)
    else:
        for sid in sources:
            if sid not in earlier.sources:
                earlier.sources.append(sid)
                earlier.passages.append("")
    if media:
        body = _media(row, earlier.media, content, notes)
        if body:
            earlier.body = _joined(earlier.body, body)
    if figure is not None:
        earlier.figures.append(figure)
    if correction is not None:
        earlier.corrections.append(correction)
    unused = [_shown(c) for c, value in row.cells.items()
              if c not in _REPEAT_COLUMNS and value != earlier.cells.get(c)]
    if unused:
        names = ", ".join(f'"{c}"' for c in unused)
        notes.append(SheetError(row.line, f"this row adds to line {earlier.line}'s event; its "
                                f"{names} (not as on line {earlier.line}) "
                                f"{'is' if len(unused) == 1 else 'are'} not kept: move "
                                f"{'it' if len(unused) == 1 else 'them'} to line {earlier.line} if "
                                f"{'it matters' if len(unused) == 1 else 'they matter'}"))
    if row.extra and not isinstance(earlier.extra, dict):
        raise SheetError(row.line, f'line {earlier.line}\'s "Extra" is not a JSON object, so the cells of columns '
                         'we do not know cannot join it: make it an object, or leave those cells blank')
    for name, value in row.extra.items():
        assert isinstance(earlier.extra, dict)
        if earlier.extra.get(name, value) != value:
            notes.append(SheetError(row.line, f'"{name}" differs from line {earlier.line}\'s; both are '
                                    f'kept under "extra:" ("{name} (line {row.line})")'))
            earlier.extra[f"{name} (line {row.line})"] = value
        else:
            earlier.extra[name] = value


_YES = {"true", "yes", "y", "x", "1"}
_NO = {"false", "no", "n", "0"}


def _yes(row: Row, column: str) -> bool:
    cell = row.get(column).lower()
    if cell and cell not in _YES | _NO:
        raise SheetError(row.at(column), f'"{_shown(column)}" must be "true" or blank, not "{_short(row.get(column))}"')
    return cell in _YES


def _date_cell(row: Row, column: str, tz: str) -> str:
    """A date cell written as content/ writes dates (2022-01-08), checked."""
    cell = row.get(column)
    if cell:
        try:
            parse_date(cell, tz)
        except DateError as exc:
            raise SheetError(row.at(column), f'"{_shown(column)}" "{_short(cell)}": {exc}') from None
    return cell


def _extra(row: Row, notes: list[SheetError]) -> object:
    """The entry's `extra:`: the Extra column's JSON (an object, as a rule;
    `extra:` may hold anything), then the cells of columns we do not know."""
    cell = row.get("extra_json")
    if not cell:
        return dict(row.extra)
    try:
        extra = json.loads(cell)
    except ValueError as exc:
        raise SheetError(row.at("extra_json"), f'"Extra" is not JSON ({exc}): write a JSON object, as '
                         '{"color": "red"}') from None
    if not isinstance(extra, dict):
        if row.extra:
            raise SheetError(row.at("extra_json"), '"Extra" is not a JSON object, so the cells of columns we do '
                             'not know cannot join it: write an object, as {"color": "red"}')
        return extra
    for name, value in row.extra.items():
        if name in extra:
            notes.append(SheetError(row.line, f'the column "{name}" has the name of a key of "Extra": it is kept '
                                    f'under "extra:" as "{name} (column)"'))
            name = f"{name} (column)"
        extra[name] = value
    return extra


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _figure(row: Row, sources: list[str]) -> Figure | None:
    cells = {c: row.get(c) if c == "figure_passage" else " ".join(row.get(c).split()) for c in _FIGURE_COLUMNS}
    if not any(cells.values()):
        return None
    what, value = cells["figure_what"], cells["figure_value"].replace(",", "") if _THOUSANDS.fullmatch(
        cells["figure_value"]) else cells["figure_value"]
    if not what or not value:
        raise SheetError(row.line, 'a figure needs "Figure What" and "Figure Value": give both, or leave every '
                         '"Figure ..." cell of the row blank')
    if not _NUMBER.fullmatch(value):
        raise SheetError(row.at("figure_value"), f'"Figure Value" must be a number written with digits '
                         f'(3800, not "{_short(value)}")')
    source = cells["figure_source"] or (sources[0] if sources else "")
    if not source:
        raise SheetError(row.line, 'the figure has no source: fill in "Figure Source" or "Sources"')
    if not SOURCE_ID.fullmatch(source):
        raise SheetError(row.line, f'"{source}" in "Figure Source" is not a source id (lowercase letters, '
                         "digits and hyphens)")
    return Figure(what, value, source, cells["figure_qualifier"], cells["figure_unit"], cells["figure_label"],
                  cells["figure_according_to"], cells["figure_passage"])


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _correction(row: Row, tz: str) -> Correction | None:
    date, text = _date_cell(row, "correction_date", tz), row.get("correction")
    if not date and not text:
        return None
    if not date or not text:
        raise SheetError(row.line, 'a correction needs "Correction Date" and "Correction": give both')
    return Correction(date, text)


def _joined(body: str, more: str) -> str:
    return f"{body}\n\n{more}" if body else more


def _untitled(row: Row, start: SheetDate, notes: list[SheetError]) -> str:
    """A title for an event with no Headline, as TimelineJS would still
    show its slide: its Text's first words, else its media's caption, else
    its display date or date."""
    for column, what in (("text", "Text"), ("media_caption", "Media Caption"), ("display_date", "Display Date")):
        words = plain_text(row.get(column))
        if words:
            title = _first_words(words)
            break
    else:
        title, what = start.text, "date"
    notes.append(SheetError(row.line, f'this event has no "Headline": it is titled "{title}" from its {what}; '
                            "give it a Headline to choose its title"))
    return title


def _first_words(text: str, limit: int = 60) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def _unkept(row: Row, what: str, notes: list[SheetError], columns: tuple[str, ...] = ()) -> list[str]:
    """The cells of a row that the settings have no field for, as
    `name: value` lines to keep as comments; a warning names them."""
    kept = [(name, value) for name, value in row.extra.items()]
    kept += [(_shown(c), row.get(c)) for c in columns if row.get(c)]
    if kept:
        names = ", ".join(f'"{name}"' for name, _ in kept)
        notes.append(SheetError(row.line, f"{what}: {names} cannot be shown (the settings have no field for "
                                "them): kept as comments in content/_index.md"))
    return [f"{yaml_text(name)}: {yaml_text(value)}" for name, value in kept]


def _shown(column: str) -> str:
    from .sheet import SHOWN
    return SHOWN.get(column, column)


def _dates(row: Row, tz: str, dayfirst: bool | None,
           notes: list[SheetError]) -> tuple[SheetDate | None, SheetDate | None]:
    if row.get("start_date") and row.get("year"):
        raise SheetError(row.line, 'both "Start Date" and "Year" are given: keep one')
    start = (free_date(row.get("start_date"), row.at("start_date"), "Start Date", dayfirst) if row.get("start_date")
             else parts_date(row, notes=notes))
    end = (free_date(row.get("end_date"), row.at("end_date"), "End Date", dayfirst) if row.get("end_date")
           else parts_date(row, "end_", notes))
    checked: list[PartialDate | None] = []
    for which, value in (("the date", start), ("the end", end)):
        if value is None:
            checked.append(None)
            continue
        try:
            checked.append(parse_date(value.text, tz))
        except DateError as exc:
            raise SheetError(row.line, f"{which} ({value.text}): {exc}") from None
    if (start is not None and end is not None and checked[0] is not None and checked[1] is not None
            and checked[1].last() < checked[0].start()):
        raise SheetError(row.line, f"the end ({end.text}) is before the date ({start.text})")
    if end is not None and start is None:
        raise SheetError(row.line, "an end date is given without a start date")
    return start, end


def _quote(row: Row, sources: list[str]) -> Quote | None:
    text = row.get("quote")
    by, source = plain_text(row.get("quote_by")), row.get("quote_source").strip()
    if not text:
        if by or source:
            raise SheetError(row.line, '"Quote By" or "Quote Source" is given without a "Quote"')
        return None
    if not by:
        raise SheetError(row.line, 'the "Quote" has no "Quote By": say who said it')
    source = source or (sources[0] if sources else "")
    if not source:
        raise SheetError(row.line, 'the "Quote" has no source: fill in "Quote Source" or "Sources"')
    if not SOURCE_ID.fullmatch(source):
        raise SheetError(row.line, f'"{source}" in "Quote Source" is not a source id (lowercase letters, '
                         "digits and hyphens)")
    return Quote(text, by, source)


_SOUNDS = {"mp3", "wav", "ogg", "oga", "m4a", "aac", "flac", "opus", "weba"}
_VIDEOS = {"mp4", "webm", "mov", "m4v", "ogv", "avi"}


def _media(row: Row, items: list[MediaItem], content: Path, notes: list[SheetError]) -> str:
    """The row's Media, with its caption, credit and alt text, as items
    (a web address, a picture file, or a comment naming what the build
    could not show); returns Markdown for the body when the cell is an
    embed's markup (a tweet's blockquote), whose words join the body."""
    cell = row.get("media")
    caption = to_inline_markdown(row.get("media_caption"))
    credit = to_inline_markdown(row.get("media_credit"))
    alt = plain_text(row.get("alt_text"))
    line = row.at("media")
    if not cell:
        if caption or credit or alt:
            notes.append(SheetError(row.line, '"Media Caption", "Media Credit" or "Alt Text" is given without '
                                    '"Media": kept in the body, as there is no media to caption'))
            return " — ".join(x for x in (caption, credit, escape(alt) if alt else "") if x)
        return ""
    if looks_like_html(cell):
        src = _embedded_address(cell)
        if src is None:
            # An embed (a tweet's blockquote): its words join the body; nothing is loaded.
            words = to_markdown(cell)
            said = " — ".join(x for x in (caption, credit) if x)
            return _joined(words, said) if said else words
        cell = src
    address = web_address(cell)
    if address is not None:
        items.append(MediaItem(url=address, alt=alt, caption=caption, credit=credit))
        return ""
    scheme = urlsplit(cell).scheme.lower()
    if scheme in ("javascript", "vbscript"):
        raise SheetError(line, f'"Media" "{_short(cell)}" is not an http(s) address or a file '
                         "inside the content folder")
    item = MediaItem(file=cell, alt=alt, caption=caption, credit=credit)
    if len(scheme) > 1:          # C:\... is a Windows path, not a scheme
        item = MediaItem(url=cell, alt=alt, caption=caption, credit=credit,
                         note=f"is a {scheme}: address, which an entry cannot link (only http and https)")
    else:
        item.note = _unshowable(cell, content)
    if item.note:
        notes.append(SheetError(line, f'"Media" "{_short(cell)}" {item.note}: it is kept as a comment in the '
                                "entry's media:, so that the entry builds"))
    elif not alt:
        if caption:
            item.alt = plain_text(row.get("media_caption"))
            notes.append(SheetError(line, f'"Media" "{_short(cell)}" has no "Alt Text": its caption stands in for '
                                    "it, as TimelineJS does; write alt text that says what the picture shows"))
        else:
            item.note = 'has no alt text: write "alt:", then take off the "#"'
            notes.append(SheetError(line, f'"Media" "{_short(cell)}" has no "Alt Text" (a picture needs one): it is '
                                    "kept as a comment in the entry's media:; give it Alt Text"))
    items.append(item)
    return ""


def _frames(row: Row, notes: list[SheetError]) -> None:
    """Frames in Text are dropped (nothing is loaded from elsewhere); say
    which, so that the curator can keep it as the entry's media."""
    if re.search(r"<\s*iframe", row.get("text"), re.I):
        src = _embedded_address(row.get("text")) or "no address"
        src = web_address(src) or src
        notes.append(SheetError(row.at("text"), f'"Text" holds a frame ({_short(src, 80)}), which is not kept in '
                                'the body: put its address in "Media" to keep it as a link'))


def _unshowable(path: str, content: Path) -> str:
    """Why a local media path cannot be shown by the build ("" if it can):
    outside content/, missing, or not a picture (a PDF, a sound)."""
    written = path.replace("\\", "/")
    rel = posixpath.normpath(written)
    if written.startswith("/") or re.match(r"[A-Za-z]:/", written) or rel == ".." or rel.startswith("../"):
        return "is outside the content folder (copy it into content/ and name it from there)"
    full = content / rel
    suffix = rel.rsplit(".", 1)[-1].lower() if "." in rel.rsplit("/", 1)[-1] else ""
    kind = ("a PDF" if suffix == "pdf" else "a sound" if suffix in _SOUNDS else "a video" if suffix in _VIDEOS
            else "")
    if kind:
        return f"is {kind}, which an entry does not show (only pictures); link it from the text instead"
    try:
        data = full.read_bytes()
    except OSError:
        first = written.split("/", 1)[0]
        host = "." in first and "/" in written and not first.startswith(".")
        return (f"is not in the project ({content / rel} is missing"
                + ("; if it is a web address, write it with https://)" if host else ")"))
    if image_size(data) is None:
        return "is not a picture file (JPEG, PNG, WebP, GIF or AVIF, by its bytes)"
    return ""


class _Source(HTMLParser):
    """The address an embed's markup loads: an iframe's (or a video's,
    a picture's) src."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.src is None and tag in ("iframe", "img", "video", "audio", "source", "embed"):
            self.src = dict(attrs).get("src") or None


def _embedded_address(cell: str) -> str | None:
    parser = _Source()
    parser.feed(cell)
    parser.close()
    return parser.src.strip() if parser.src and parser.src.strip() else None


# Items of a list cell end at a `;`; a doubled `;;` is a `;` inside an item
# (entries.csv writes a tag or person holding one so), read from the left:
# `a;;;b` is `a;` and `b`.
_LIST_PIECE = re.compile(r";;|;|[^;]+")


def _list(cell: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    for piece in _LIST_PIECE.findall(cell):
        if piece == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(";" if piece == ";;" else piece)
    items.append("".join(current))
    return list(dict.fromkeys(" ".join(p.split()) for p in items if p.strip()))


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---- events to files ----

def plan(imported: Imported, content: Path, tz: str, force: bool, shown: str, problems: Problems) -> Report:
    planned = Planned()
    existing = _existing_slugs(content)
    taken: set[str] = set()
    drafts: list[Path] = []
    for event in imported.events:
        base = f"{event.date.day_part}-{slugify(event.title)}"
        if event.slug and slugify(event.slug) == event.slug and event.slug not in taken:
            base = event.slug
        elif event.slug:
            problems.warning(shown, event.slug_line, f'unique_id "{_short(event.slug)}" is not '
                             + ("a file name of its own (it is taken)" if event.slug in taken else
                                "a valid file name (lower case letters, digits and hyphens)")
                             + f': the entry is named from its date and title instead')
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        path = content / f"{slug}.md"
        other = existing.get(slug)
        if other is not None and other != path:
            problems.error(shown, event.line, f'the entry "{slug}" would have the name of {other}: entry names '
                           "must be unique; rename that file or change the Headline")
            continue
        if path.exists() and not force:
            problems.error(shown, event.line, f"{path} already exists: nothing was written (give --force to "
                           "replace it, or --dry-run to see what would be written)")
            continue
        planned.add(path, entry_text(event))
        if not event.sources:
            drafts.append(path)
    report = Report(planned, drafts, [])
    if imported.title is not None or imported.eras:
        index = content / "_index.md"
        if not index.exists():
            planned.add(index, index_text(imported, tz))
        elif force:
            planned.add(index, replaced_settings(index.read_text(encoding="utf-8-sig"), imported))
        else:
            report.paste = settings_yaml(imported)
    return report


def _existing_slugs(content: Path) -> dict[str, Path]:
    """Each entry file's slug under content/ (as the build finds them)."""
    from ..read.entries import scan_entry_files
    return {rel.rsplit("/", 1)[-1][:-3]: content / rel for rel in scan_entry_files(content)} if content.is_dir() else {}


def entry_text(event: Event) -> str:
    lines = ["---", f"title: {yaml_text(event.title)}", f"date: {event.date.text}"]
    if event.end is not None:
        lines.append(f"end: {event.end.text}")
    if event.display_date:
        lines.append(f"display_date: {yaml_text(event.display_date)}")
    if event.approximate:
        lines.append("approximate: true")
    if event.place:
        lines.append(f"place: {yaml_text(event.place)}")
    if event.group:
        lines.append(f"group: {yaml_text(event.group)}")
    if event.tags:
        lines.append(f"tags: {yaml_list(event.tags)}")
    if event.people:
        lines.append(f"people: {yaml_list(event.people)}")
    if not event.sources:
        lines.append("draft: true   # no source yet: add its sources, then remove this line")
        lines.append("sources: []")
    else:
        lines.append("sources:")
        for sid, passage in zip(event.sources, event.passages):
            if passage:
                lines += [f"  - id: {sid}", f"    passage: {yaml_text(passage)}"]
            else:
                lines.append(f"  - {sid}")
    if event.quotes:
        lines.append("quotes:")
        for q in event.quotes:
            lines += [f"  - text: {yaml_text(q.text)}", f"    by: {yaml_text(q.by)}", f"    source: {q.source}"]
    if event.media:
        shown = [item for item in event.media if not item.note]
        lines.append("media:" if shown else "media: []")
        for item in shown:
            lines += _media_lines(item, "  ")
        for item in event.media:
            if item.note:
                lines.append(f"  # not shown: {_short(item.file or item.url, 80)} {item.note}")
                lines += _media_lines(item, "  # ")
    if event.figures:
        lines.append("figures:")
        for x in event.figures:
            lines += [f"  - what: {yaml_text(x.what)}", f"    value: {x.value}"]
            for name in ("qualifier", "unit", "label", "according_to"):
                if getattr(x, name):
                    lines.append(f"    {name}: {yaml_text(getattr(x, name))}")
            lines.append(f"    source: {x.source}")
            if x.passage:
                lines.append(f"    passage: {yaml_text(x.passage)}")
    if event.updated:
        lines.append(f"updated: {event.updated}")
    if event.corrections:
        lines.append("corrections:")
        for c in event.corrections:
            lines += [f"  - date: {c.date}", f"    text: {yaml_text(c.text)}"]
    if isinstance(event.extra, (dict, list)) and event.extra:
        lines.append("extra:   # the sheet's Extra, and its columns that have no field of their own")
        lines += _yaml_value(event.extra, "  ")
    elif event.extra != {}:
        lines.append(f"extra: {_yaml_scalar(event.extra)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + (event.body + "\n" if event.body else "")


def _yaml_value(value: dict | list, indent: str) -> list[str]:
    """A JSON object or list as block YAML lines; every scalar as text,
    as front matter reads values (a number or true as written)."""
    out: list[str] = []
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for key, v in items:
        head = f"{indent}{yaml_text(key)}:" if key is not None else f"{indent}-"
        if isinstance(v, (dict, list)) and v:
            out.append(head)
            out += _yaml_value(v, indent + "  ")
        elif isinstance(v, (dict, list)):
            out.append(f"{head} {'{}' if isinstance(v, dict) else '[]'}")
        else:
            out.append(f"{head} {_yaml_scalar(v)}")
    return out


def _yaml_scalar(value: object) -> str:
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    return yaml_text(value if isinstance(value, str) else json.dumps(value))


def _media_lines(item: MediaItem, indent: str) -> list[str]:
    out: list[str] = []
    for name in ("file", "url", "alt", "caption", "credit"):
        value = getattr(item, name)
        if value:
            out.append(f"{indent}{'  ' if out else '- '}{name}: {yaml_text(value)}")
    return out


def _title_media(title: TitleSlide, notes: list[SheetError]) -> None:
    """The title row's media: the settings have no field for it, so a web
    address becomes a link in the introduction and a file a comment."""
    for item in title.media:
        if item.url:
            host = urlsplit(item.url).hostname or item.url
            link = f"[{escape(item.alt or host)}]({item.url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"
            said = " \u2014 ".join(x for x in (item.caption, link, item.credit) if x)
            title.intro = _joined(title.intro, said)
            notes.append(SheetError(title.line, f'the title row\'s "Media" ({_short(item.url)}) is kept as a link '
                                    "in the introduction: the settings have no field to show it as the timeline's "
                                    "media"))
        else:
            item.note = item.note or ("is the title row's media, which the settings have no field for: "
                                      "show it in an entry instead")
            notes.append(SheetError(title.line, f'the title row\'s "Media" ({_short(item.file)}) is kept as a '
                                    "comment in the settings: they have no field to show it"))


def settings_yaml(imported: Imported) -> str:
    lines = []
    if imported.title is not None:
        lines.append(f"title: {yaml_text(imported.title.title or 'Timeline')}")
        lines += [f"# {comment}" for comment in imported.title.comments]
        for item in imported.title.media:
            if item.file:
                lines.append(f"# media (not shown: {item.file} {item.note})")
                lines += _media_lines(item, "#   ")
    if imported.eras:
        lines.append("eras:")
        for era in imported.eras:
            lines += [f"  - title: {yaml_text(era.title)}", f"    date: {era.date.text}", f"    end: {era.end.text}"]
            lines += [f"    # {comment}" for comment in era.comments]
    return "\n".join(lines) + "\n"


def index_text(imported: Imported, tz: str) -> str:
    intro = imported.title.intro if imported.title else ""
    return (f"---\n{settings_yaml(imported)}timezone: {tz}\n---\n"
            + (intro + "\n" if intro else ""))


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def replaced_settings(text: str, imported: Imported) -> str:
    """An existing _index.md with its `title` and `eras` replaced by the
    sheet's, the rest of the file as it was."""
    if not text.startswith("---"):
        return f"---\n{settings_yaml(imported)}---\n{text}"
    lines = text.split("\n")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        raise CommandError("content/_index.md has a front matter with no closing --- line: fix it first")
    replacing = {"eras"} if imported.title is None else {"title", "eras"}
    if not imported.eras:
        replacing.discard("eras")
    kept: list[str] = []
    skipping = False
    for line in lines[1:close]:
        m = _TOP_KEY.match(line)
        if m:
            skipping = m[1] in replacing
        elif line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            kept.append(line)
    new = settings_yaml(imported).rstrip("\n").split("\n")
    if imported.title is None:
        new = [line for line in new if not line.startswith("title:")]
    return "\n".join(["---", *new, *kept, *lines[close:]])
