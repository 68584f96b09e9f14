"""Entries: content/**/*.md, front matter read with line numbers."""

from __future__ import annotations

import os
from pathlib import Path

from . import yamlread
from .errors import ContentError, Problems
from .fields import Fields
from .data import outline
from .markup import slug_of
from .model import Citation, Correction, Entry, Figure, Quote
from .yamlread import YList, YMap

ENTRY_KEYS = (
    "title", "date", "end", "approximate", "place", "tags", "people", "sources",
    "quotes", "figures", "updated", "corrections", "extra", "draft",
)
CITATION_KEYS = ("id", "passage")
QUOTE_KEYS = ("text", "by", "source")
FIGURE_KEYS = ("what", "value", "qualifier", "unit", "label", "according_to", "source", "passage")
CORRECTION_KEYS = ("date", "text")


def scan_entry_files(content_dir: Path) -> dict[str, list[int] | None]:
    """Every entry file (its path inside content_dir, with '/') and its
    [size, mtime_ns], or None if it cannot be read; in no order. Names
    starting with '_' or '.' are skipped, folders included; linked folders
    are not followed."""
    found: dict[str, list[int] | None] = {}
    folders = [(str(content_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            items = list(os.scandir(folder))
        except OSError:
            continue  # an unreadable folder is skipped, as os.walk skips it
        for item in items:
            name = item.name
            if name.startswith(("_", ".")):
                continue
            if item.is_dir():
                if not item.is_symlink():
                    folders.append((item.path, prefix + name + "/"))
            elif name.endswith(".md"):
                try:
                    st = item.stat()
                    found[prefix + name] = [st.st_size, st.st_mtime_ns]
                except OSError:
                    found[prefix + name] = None
    return found


def read_entry(raw: bytes, rel: str, shown_dir: str, tz: str, problems: Problems,
               load_yaml=yamlread.load) -> Entry | None:
    """Read one entry from its file's bytes; every problem found goes to `problems`."""
    path = os.path.join(shown_dir, rel)
    try:
        text = yamlread.read_text(raw, path)
        front, body, body_line = yamlread.split_front_matter(text, path)
        data = load_yaml(front, path, first_line=2)
    except ContentError as exc:
        problems.add(exc)
        return None
    if not isinstance(data, YMap):
        problems.error(path, 2, "the front matter must be a mapping of keys (title, date, sources, ...)")
        return None
    entry = parse_entry(data, rel, path, body, body_line, tz, problems)
    entry.outline = outline(rel, front)
    return entry


def parse_entry(data: YMap, rel: str, path: str, body: str, body_line: int, tz: str, problems: Problems) -> Entry:
    """Build the Entry; it is only usable if `problems` gained no error."""
    f = Fields(data, path, "an entry", ENTRY_KEYS, problems)
    title = f.text("title", required=True)
    date = f.date("date", tz, required=True)
    end = f.date("end", tz)
    if date and end and end.last() < date.start():
        f.fail("end", f'"end" ({end.iso()}) is before "date" ({date.iso()})')
    entry = Entry(
        path=rel,
        shown_path=path,
        slug=slug_of(rel),
        title=title or "",
        date=date,
        end=end,
        approximate=f.flag("approximate"),
        place=f.text("place"),
        tags=f.text_list("tags"),
        people=f.text_list("people"),
        sources=_citations(f, path, problems),
        quotes=[q for q in _items(f, "quotes", QUOTE_KEYS, "a quote", problems, _quote)],
        figures=[x for x in _items(f, "figures", FIGURE_KEYS, "a figure", problems, _figure)],
        updated=f.date("updated", tz),
        corrections=[c for c in _items(f, "corrections", CORRECTION_KEYS, "a correction", problems, _correction, tz)],
        extra=_plain(data.get("extra")),
        draft=f.flag("draft"),
        body=body,
        body_line=body_line,
    )
    return entry


def _items(f: Fields, key: str, known, what: str, problems: Problems, make, *args):
    """Each mapping of the list under `key`, read by `make`."""
    value = f.map.get(key)
    if value is None:
        return
    if not isinstance(value, YList):
        f.fail(key, f'"{key}" must be a list')
        return
    for i, item in enumerate(value):
        line = value.line_of(i)
        if not isinstance(item, YMap):
            problems.error(f.path, line, f'each item of "{key}" must be a mapping ({", ".join(known[:3])}, ...)')
            continue
        made = make(Fields(item, f.path, what, known, problems), line, *args)
        if made is not None:
            yield made


def _citations(f: Fields, path: str, problems: Problems) -> list[Citation]:
    value = f.map.get("sources")
    if value is None or (isinstance(value, list) and not value):
        f.fail("sources", '"sources" is required: at least one source id')
        return []
    if not isinstance(value, YList):
        f.fail("sources", '"sources" must be a list of source ids or {id, passage} mappings')
        return []
    out: list[Citation] = []
    for i, item in enumerate(value):
        line = value.line_of(i)
        if isinstance(item, str) and item.strip():
            out.append(Citation(source=item.strip(), line=line))
        elif isinstance(item, YMap):
            c = Fields(item, path, "a citation", CITATION_KEYS, problems)
            source = c.text("id", required=True)
            if source:
                passage = c.text("passage")
                out.append(Citation(source=source, line=c.line("passage") if passage else line, passage=passage))
        else:
            problems.error(path, line, "a citation is a source id or a mapping with id and passage")
    return out


def _quote(q: Fields, line: int) -> Quote | None:
    text, by, source = q.text("text", True), q.text("by", True), q.text("source", True)
    if text and by and source:
        return Quote(text=text, by=by, source=source, line=q.line("text"))
    return None


def _figure(x: Fields, line: int) -> Figure | None:
    what, value, source = x.text("what", True), x.number("value", True), x.text("source", True)
    figure = Figure(
        what=what or "", value=value if value is not None else 0, source=source or "", line=line,
        qualifier=x.text("qualifier"), unit=x.text("unit"), label=x.text("label"),
        according_to=x.text("according_to"), passage=x.text("passage"),
    )
    if figure.passage:
        figure.line = x.line("passage")
    return figure if what and value is not None and source else None


def _correction(c: Fields, line: int, tz: str) -> Correction | None:
    date, text = c.date("date", tz, True), c.text("text", True)
    return Correction(date=date, text=text) if date and text else None


def _plain(value):
    """YAML nodes as plain dicts and lists, for templates."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
