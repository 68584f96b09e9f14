"""`build.py import FILE.csv`: a spreadsheet of curated events and quotes
(TimelineJS's columns, and ours) as dated Markdown entries.

Every row is read and checked first; only a sheet with no error plans
its files, and only then are they written (files.write_planned): a bad
sheet leaves the content folder as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..dates import DateError, parse_date
from ..errors import Problems
from ..names import slugify
from ..settings import load_settings
from ..sources import SOURCE_ID
from .files import CommandError, Planned, write_planned, yaml_list, yaml_text
from .html2md import looks_like_html, plain_text, to_markdown
from .sheet import Row, SheetDate, SheetError, free_date, parts_date, read_sheet


@dataclass
class Quote:
    text: str
    by: str
    source: str


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
    sources: list[str] = field(default_factory=list)
    passage: str = ""
    quotes: list[Quote] = field(default_factory=list)
    media: dict[str, str] = field(default_factory=dict)   # file or url, alt, caption, credit
    body: str = ""


@dataclass
class Era:
    line: int
    title: str
    date: SheetDate
    end: SheetDate


@dataclass
class Imported:
    """What a sheet says: its events, its title row and its eras."""

    events: list[Event]
    title: tuple[str, str] | None = None     # (title, introduction as Markdown)
    eras: list[Era] = field(default_factory=list)


@dataclass
class Report:
    """What the import did, or would do (--dry-run)."""

    planned: Planned
    drafts: list[Path]
    replaced: list[Path]
    paste: str = ""          # settings for an existing _index.md, to paste


def run(csv_path: Path, shown: str, content: Path, *, dayfirst: bool | None, force: bool, dry_run: bool,
        problems: Problems) -> Report | None:
    """Import the sheet; None when it has errors (in `problems`)."""
    try:
        raw = csv_path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{shown}: cannot read it: {exc.strerror}") from None
    settings_problems = Problems()
    settings = load_settings(content, str(content), settings_problems)
    if settings_problems.errors:
        problems.extend(settings_problems)
        return None
    try:
        rows, sheet_problems, _ = read_sheet(raw)
    except SheetError as exc:
        problems.error(shown, exc.line, exc.message)
        return None
    for p in sheet_problems:
        if p.message.startswith("warning: "):
            problems.warning(shown, p.line, p.message[len("warning: "):])
        else:
            problems.error(shown, p.line, p.message)
    if problems.errors:
        return None
    imported = read_rows(rows, shown, settings.timezone, dayfirst, problems)
    if problems.errors:
        return None
    report = plan(imported, content, settings.timezone, force, shown, problems)
    if report is None or problems.errors:
        return None
    if not dry_run:
        report.replaced = write_planned(report.planned, force=force)
    return report


# ---- rows to events ----

def read_rows(rows: list[Row], shown: str, tz: str, dayfirst: bool | None, problems: Problems) -> Imported:
    imported = Imported([])
    by_key: dict[tuple[str, str], Event] = {}
    for row in rows:
        try:
            kind = row.get("type").lower()
            if kind == "title":
                if imported.title is not None:
                    raise SheetError(row.line, 'a second row of Type "title": a sheet has one title row')
                imported.title = (plain_text(row.get("headline")), to_markdown(row.get("text")))
                continue
            start, end = _dates(row, tz, dayfirst)
            if kind == "era":
                if not row.get("headline"):
                    raise SheetError(row.line, 'an era row needs a "Headline": the era\'s name')
                if start is None or end is None:
                    raise SheetError(row.line, "an era needs a start and an end date (Year ... and End Year ...)")
                imported.eras.append(Era(row.line, plain_text(row.get("headline")), start, end))
                continue
            if kind:
                raise SheetError(row.line, f'unknown Type "{row.get("type")}": leave it blank for an event, '
                                 'or write "title" or "era"')
            title = plain_text(row.get("headline"))
            if not title:
                raise SheetError(row.line, 'this event has no "Headline": give it one (a blank row is skipped, '
                                 "but a row with other cells is an event)")
            if start is None:
                raise SheetError(row.line, f'"{_short(title)}" has no date: fill in "Year" (or "Start Date")')
            key = (" ".join(title.casefold().split()), start.text)
            sources = _list(row.get("sources"))
            for sid in sources:
                if not SOURCE_ID.fullmatch(sid):
                    raise SheetError(row.line, f'"{sid}" in "Sources" is not a source id: ids are lowercase '
                                     "letters, digits and hyphens, as in seeds/sources.yaml; separate several with ;")
            earlier = by_key.get(key)
            # A row that adds a quote may leave out the sources its event names already.
            quote = _quote(row, sources or (earlier.sources if earlier else []))
            if earlier is not None:
                if quote is None:
                    raise SheetError(row.line, f'this row repeats the Headline and date of line {earlier.line} '
                                     'without a "Quote": a repeated row adds a quote to the event; remove it or '
                                     "give its Quote")
                earlier.quotes.append(quote)
                for sid in sources:
                    if sid not in earlier.sources:
                        earlier.sources.append(sid)
                continue
            event = Event(row.line, title, start, end, display_date=plain_text(row.get("display_date")),
                          group=plain_text(row.get("group")), place=plain_text(row.get("place")),
                          tags=_list(row.get("tags")), people=_list(row.get("people")), sources=sources,
                          passage=" ".join(row.get("passage").split()),
                          quotes=[quote] if quote else [], body=to_markdown(row.get("text")))
            if event.passage and not sources:
                raise SheetError(row.line, '"Passage" is given without "Sources": name the source it is from')
            _media(row, event)
            by_key[key] = event
            imported.events.append(event)
        except SheetError as exc:
            problems.error(shown, exc.line, exc.message)
    return imported


def _dates(row: Row, tz: str, dayfirst: bool | None) -> tuple[SheetDate | None, SheetDate | None]:
    if row.get("start_date") and row.get("year"):
        raise SheetError(row.line, 'both "Start Date" and "Year" are given: keep one')
    start = (free_date(row.get("start_date"), row.line, "Start Date", dayfirst) if row.get("start_date")
             else parts_date(row))
    end = (free_date(row.get("end_date"), row.line, "End Date", dayfirst) if row.get("end_date")
           else parts_date(row, "end_"))
    checked = []
    for which, value in (("the date", start), ("the end", end)):
        if value is None:
            checked.append(None)
            continue
        try:
            checked.append(parse_date(value.text, tz))
        except DateError as exc:
            raise SheetError(row.line, f"{which} ({value.text}): {exc}") from None
    if checked[0] is not None and checked[1] is not None and checked[1].last() < checked[0].start():
        raise SheetError(row.line, f"the end ({end.text}) is before the date ({start.text})")
    if end is not None and start is None:
        raise SheetError(row.line, "an end date is given without a start date")
    return start, end


def _quote(row: Row, sources: list[str]) -> Quote | None:
    text = " ".join(row.get("quote").split())
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


def _media(row: Row, event: Event) -> None:
    media = row.get("media")
    if not media:
        return
    if looks_like_html(media):
        # An embed (a tweet's blockquote, an iframe): its words join the body; nothing is loaded.
        words = to_markdown(media)
        if words:
            event.body = f"{event.body}\n\n{words}" if event.body else words
        return
    parts = urlsplit(media)
    if parts.scheme:
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise SheetError(row.line, f'"Media" "{_short(media)}" is not an http(s) address or a file '
                             "inside the content folder")
        event.media["url"] = media
    else:
        event.media["file"] = media
    for column, name in (("alt_text", "alt"), ("media_caption", "caption"), ("media_credit", "credit")):
        if row.get(column):
            event.media[name] = plain_text(row.get(column))


def _list(cell: str) -> list[str]:
    return list(dict.fromkeys(" ".join(p.split()) for p in cell.split(";") if p.strip()))


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
    from ..entries import scan_entry_files
    return {rel.rsplit("/", 1)[-1][:-3]: content / rel for rel in scan_entry_files(content)} if content.is_dir() else {}


def entry_text(event: Event) -> str:
    lines = ["---", f"title: {yaml_text(event.title)}", f"date: {event.date.text}"]
    if event.end is not None:
        lines.append(f"end: {event.end.text}")
    if event.display_date:
        lines.append(f"display_date: {yaml_text(event.display_date)}")
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
        for i, sid in enumerate(event.sources):
            if i == 0 and event.passage:
                lines += [f"  - id: {sid}", f"    passage: {yaml_text(event.passage)}"]
            else:
                lines.append(f"  - {sid}")
    if event.quotes:
        lines.append("quotes:")
        for q in event.quotes:
            lines += [f"  - text: {yaml_text(q.text)}", f"    by: {yaml_text(q.by)}", f"    source: {q.source}"]
    if event.media:
        lines.append("media:")
        first = True
        for name in ("file", "url", "alt", "caption", "credit"):
            if name in event.media:
                lines.append(f"  {'- ' if first else '  '}{name}: {yaml_text(event.media[name])}")
                first = False
    lines.append("---")
    return "\n".join(lines) + "\n" + (event.body + "\n" if event.body else "")


def settings_yaml(imported: Imported) -> str:
    lines = []
    if imported.title is not None:
        lines.append(f"title: {yaml_text(imported.title[0] or 'Timeline')}")
    if imported.eras:
        lines.append("eras:")
        for era in imported.eras:
            lines += [f"  - title: {yaml_text(era.title)}", f"    date: {era.date.text}", f"    end: {era.end.text}"]
    return "\n".join(lines) + "\n"


def index_text(imported: Imported, tz: str) -> str:
    intro = imported.title[1] if imported.title else ""
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
    new = settings_yaml(Imported([], imported.title, imported.eras)).rstrip("\n").split("\n")
    if imported.title is None:
        new = [line for line in new if not line.startswith("title:")]
    return "\n".join(["---", *new, *kept, *lines[close:]])
