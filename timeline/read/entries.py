"""Entries: content/**/*.md, front matter read with line numbers."""

from __future__ import annotations

import os
from pathlib import Path

from . import yamlread
from ..errors import ContentError, Problems
from .fields import Fields
from .data import outline
from .names import slug_of
from .entry import Citation, Entry
from .records import read_items, read_record
from .schema import known_keys, read_declared
from .yamlread import YList, YMap


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


# An entry is one event: its own summary and what it cites. A file far
# beyond that (a pasted article, a generated front matter of millions of
# keys) is refused before it is read, rather than read for minutes.
MAX_ENTRY_BYTES = 1_000_000


def read_entry(raw: bytes, rel: str, shown_dir: str, tz: str, problems: Problems,
               load_yaml: yamlread.LoadYaml = yamlread.load, language: str = "en") -> Entry | None:
    """Read one entry from its file's bytes; every problem found goes to `problems`."""
    path = os.path.join(shown_dir, rel)
    if len(raw) > MAX_ENTRY_BYTES:
        problems.error(path, 1, f"the file is {len(raw):,} bytes; an entry may be at most {MAX_ENTRY_BYTES:,} "
                       "bytes (1 MB): put a long text in seeds/ as a source and cite it, or split the entry")
        return None
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
    return parse_entry(data, rel, path, body, body_line, tz, problems, language, outline(rel, front))


def parse_entry(data: YMap, rel: str, path: str, body: str, body_line: int, tz: str, problems: Problems,
                language: str = "en", front_outline: str = "") -> Entry:
    """Build the Entry from its declared keys (entry.Entry); it is only
    usable if `problems` gained no error. The check stage completes it
    (`check.EntryChecker.check`), the model stage links it to its groups
    (`assemble.link_groups`)."""
    f = Fields(data, path, Entry.WHAT, known_keys(Entry), problems, language)
    values = read_declared(Entry, f, tz, lambda fields, name, of: list(read_items(fields, name, of, tz, problems)))
    date, end = values["date"], values["end"]
    if date and end and end.last() < date.start():
        f.fail("end", f'"end" ({end.iso()}) is before "date" ({date.iso()})')
    values["title"] = values["title"] or ""
    return Entry(path=rel, shown_path=path, slug=slug_of(rel), sources=_citations(f, path, tz, problems, values["draft"]),
                 body=body, body_line=body_line, outline=front_outline, **values)


def _citations(f: Fields, path: str, tz: str, problems: Problems, draft: bool) -> list[Citation]:
    value = f.map.get("sources")
    if value is None or (isinstance(value, list) and not value):
        if draft:
            # A draft may wait for its sources: it is shown, marked, under --drafts.
            line = f.line("sources") if "sources" in f.map else f.line("draft")
            problems.warning(path, line, 'this draft has no source yet: add "sources" (the ids of seeds/sources.yaml) '
                             'before it is published')
        else:
            f.fail("sources", '"sources" is required: at least one source id (or mark the entry "draft: true" '
                   'until it has one)')
        return []
    if not isinstance(value, YList):
        f.fail("sources", '"sources" must be a list of source ids or {id, passage} mappings')
        return []
    out: list[Citation] = []
    for i, item in enumerate(value):
        line = value.line_of(i)
        if isinstance(item, str) and item.strip():
            out.append(Citation(source=item.strip(), line=line, source_line=line))
        elif isinstance(item, YMap):
            made = read_record(Fields(item, path, Citation.WHAT, known_keys(Citation), problems, f.language), Citation, line, tz, problems)
            if made is not None:
                out.append(made)
        else:
            problems.error(path, line, "a citation is a source id or a mapping with id and passage")
    return out
