"""Sources: seeds/sources.yaml and the archived texts it names."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass
from typing import ClassVar
from pathlib import Path

from . import yamlread
from .dates import PartialDate
from ..errors import ContentError, Problems
from .fields import Fields
from .names import href
from .schema import derived, key, known_keys, read_declared
from .yamlread import YMap

SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_RANGE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


@dataclass(kw_only=True)
class Source:
    """One archived source text and what is known about it: its keys in
    sources.yaml (declared with `key`, in the order timeline.json gives
    them) and what the build reads from its file."""

    WHAT: ClassVar[str] = "a source"

    id: str = derived(json=True, default="")
    file: str = key("custom", required=True, json=False)
    publisher: str = key("text", required=True)
    title: str = key("text", required=True)
    published: PartialDate = key("date", required=True)
    url: str | None = key("url")
    author: str | None = key("text")
    captured: PartialDate | None = key("date")
    archive_url: str | None = key("url")
    note: str | None = key("text")
    archive: str = key("custom", default="excerpts", then=(("page", "href"),))
    furniture: frozenset[int] = key("custom", json=False, default_factory=frozenset)
    # The web page the text was captured from, kept in seeds/ (build.py
    # capture), and its SHA-256, checked by every build. In timeline.json
    # "page" is the source's page in the site, so the file is not given.
    captured_page: str | None = key("custom", name="page", json=False)
    page_sha256: str | None = key("custom")
    sha256: str = derived(json=True, default="")    # of the file's bytes
    text: str = derived(default="")
    line: int = derived(default=1)                  # of its id in sources.yaml

    def key_part(self) -> str:
        """What a page key says of it (keys.KeyMaker): its text by its hash."""
        return "Src" + repr({**vars(self), "text": None, "furniture": sorted(self.furniture)})

    @property
    def href(self) -> str:
        """Its page, relative to the site root."""
        return href("sources", self.id + ".html")


# In `broken`, what stands for every source when sources.yaml itself
# cannot be read: each citation is then wrong for that one reason.
ALL = "*"
# In `broken` when there is no sources.yaml at all: an error only once an
# entry cites a source (a new timeline has none yet).
MISSING = "-"
# The fields a source may lack while no entry cites it (a capture awaiting
# its publisher or date): load_sources keeps what is said of them in
# `waiting`, for assemble to report as errors once the source is cited, as
# warnings while it is not.
REQUIRED = tuple(f.metadata["key"] or f.name for f in dataclasses.fields(Source)
                 if f.metadata.get("required"))


def load_sources(seeds_dir: Path, shown_dir: str, tz: str, problems: Problems,
                 load_yaml: yamlread.LoadYaml = yamlread.load, broken: dict[str, str] | None = None,
                 waiting: dict[str, list[ContentError]] | None = None, language: str = "en") -> dict[str, Source]:
    """Read seeds/sources.yaml and every text it names; problems go to
    `problems`. Each source that has errors is left out, and named in
    `broken` with where its errors are (ALL: the whole file). A source
    whose only fault is a required field not yet filled in is left out too,
    and its problems go to `waiting` instead (see REQUIRED)."""
    broken = {} if broken is None else broken
    waiting = {} if waiting is None else waiting
    path = os.path.join(shown_dir, "sources.yaml")
    yaml_file = seeds_dir / "sources.yaml"
    if not yaml_file.is_file():
        broken[ALL] = broken[MISSING] = path
        return {}
    try:
        text = yamlread.read_text(yaml_file.read_bytes(), path)
        data = load_yaml(text, path)
    except ContentError as exc:
        problems.add(exc)
        broken[ALL] = f"{exc.path}:{exc.line}"
        return {}
    if data is None:
        return {}
    if not isinstance(data, YMap):
        problems.error(path, getattr(data, "line", 1), "sources.yaml must map source ids to their fields")
        broken[ALL] = f"{path}:{getattr(data, 'line', 1)}"
        return {}
    sources: dict[str, Source] = {}
    seeds_root = seeds_dir.resolve()
    for source_id, value in data.items():
        line = data.line_of(source_id)
        if not SOURCE_ID.fullmatch(source_id):
            problems.error(path, line, f'source id "{source_id}" must be lowercase letters, digits and hyphens, starting with a letter or digit')
            broken[source_id] = f"{path}:{line}"
            continue
        if not isinstance(value, YMap):
            problems.error(path, line, f'source "{source_id}" must be a mapping of fields (file, publisher, title, published, ...)')
            broken[source_id] = f"{path}:{line}"
            continue
        own_problems = Problems()
        source = _read_source(source_id, value, line, path, shown_dir, seeds_root, tz, own_problems, language)
        if source is not None:
            sources[source_id] = source
        else:
            # Where its errors start, as they are printed.
            own = sorted(own_problems.items, key=lambda p: (p.path != path, p.line))
            broken[source_id] = f"{own[0].path}:{own[0].line}" if own else f"{path}:{line}"
        if source is None and _only_unfilled(value, own_problems):
            waiting[source_id] = own_problems.items
        else:
            problems.extend(own_problems)
    return sources


def _only_unfilled(value: YMap, found: Problems) -> bool:
    """Whether every error of a source is a required field missing or empty."""
    unfilled = {name for name in REQUIRED if not (isinstance(value.get(name), str) and value[name].strip())
                and not isinstance(value.get(name), (list, dict))}
    said = {f'"{name}" is required' for name in unfilled} | {f'"{name}" must not be empty' for name in unfilled}
    return bool(unfilled) and bool(found.errors) and all(p.message in said for p in found.errors)


def _read_source(source_id: str, value: YMap, line: int, path: str, shown_dir: str, seeds_root: Path, tz: str,
                 problems: Problems, language: str = "en") -> Source | None:
    count = len(problems.errors)
    f = Fields(value, path, f'source "{source_id}"', known_keys(Source), problems, language)
    values = read_declared(Source, f, tz, None)
    file = f.text("file", required=True)
    archive = f.text("archive") or "excerpts"
    if archive not in ("excerpts", "full"):
        f.fail("archive", f'"archive" must be "excerpts" or "full", not "{archive}"')
    data = _read_seed_file(file, f, seeds_root, shown_dir, problems) if file else None
    page, page_sha256 = _read_page(f, seeds_root, shown_dir, problems)
    if data is None or file is None or len(problems.errors) > count:
        return None
    text_path = os.path.join(shown_dir, file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.error(text_path, data[: exc.start].count(b"\n") + 1, "the archived text is not valid UTF-8")
        return None
    furniture = _read_furniture(f, len(line_spans(text)))
    return Source(id=source_id, file=file, archive=archive, furniture=furniture, text=text,
                  sha256=hashlib.sha256(data).hexdigest(), line=line, captured_page=page,
                  page_sha256=page_sha256, **values)


def _read_page(f: Fields, seeds_root: Path, shown_dir: str, problems: Problems) -> tuple[str | None, str | None]:
    """`page` and `page_sha256`: the captured page must be there, and be
    the bytes that were captured."""
    page, recorded = f.text("page"), f.text("page_sha256")
    if recorded is not None and not re.fullmatch(r"[0-9a-f]{64}", recorded):
        f.fail("page_sha256", '"page_sha256" must be 64 lowercase hex digits, as sha256sum prints it')
        return page, None
    if page is None:
        if recorded is not None:
            f.fail("page_sha256", '"page_sha256" needs "page": the captured page file it is the SHA-256 of')
        return None, None
    data = _read_seed_file(page, f, seeds_root, shown_dir, problems, name="page")
    if data is None:
        return page, recorded
    actual = hashlib.sha256(data).hexdigest()
    if recorded is None:
        return page, actual
    if actual != recorded:
        f.fail("page_sha256", f'"page_sha256" does not match {os.path.join(shown_dir, page)}, whose SHA-256 is '
                              f'{actual}: the file changed since it was captured; restore it, or capture the page again')
    return page, recorded


def _read_seed_file(file: str, f: Fields, seeds_root: Path, shown_dir: str, problems: Problems,
                    name: str = "file") -> bytes | None:
    """The bytes of a file inside seeds/, refusing any path that leaves it."""
    if os.path.isabs(file) or file.startswith(("/", "\\")) or ".." in re.split(r"[\\/]", file):
        f.fail(name, f'"{name}" must be a path inside the seeds folder, not "{file}"')
        return None
    candidate = seeds_root / file
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        f.fail(name, f'"{name}": {os.path.join(shown_dir, file)} does not exist')
        return None
    if not resolved.is_relative_to(seeds_root):
        f.fail(name, f'"{name}": {file} leads outside the seeds folder')
        return None
    if not resolved.is_file():
        f.fail(name, f'"{name}": {file} is not a file')
        return None
    return resolved.read_bytes()


def _read_furniture(f: Fields, line_count: int) -> frozenset[int]:
    raw = f.map.get("furniture")
    if raw is None:
        return frozenset()
    items = raw if isinstance(raw, list) else [raw]
    lines: set[int] = set()
    for item in items:
        parts = item.split(",") if isinstance(item, str) else [None]
        for part in parts:
            match = _RANGE.fullmatch(part) if part is not None else None
            if not match:
                f.fail("furniture", f'"furniture" lists line numbers or ranges like 1-3, not {item!r}')
                continue
            first, last = int(match[1]), int(match[2] or match[1])
            if first < 1 or last < first or last > line_count:
                f.fail("furniture", f'"furniture": {match[0].strip()} is not a range of lines of the file (it has {line_count})')
                continue
            lines.update(range(first, last + 1))
    return frozenset(lines)


# Lines as Python's universal newlines read them (see line_spans).
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


def line_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of every line of ``text``, without its line end.

    Lines end at ``\\r\\n``, ``\\n`` or a lone ``\\r`` (as Python's universal
    newlines read them); a line end at the very end of the text does not
    start another line, and an empty text has no line. Line ``n`` (counting
    from 1) is ``text[start:end]`` of item ``n - 1``. A leading byte-order
    mark belongs to line 1.
    """
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        if m.start() == len(text):
            break
        spans.append(m.span(1))
        if not m.group(2):
            break
    return spans
