"""Read, check and assemble a whole timeline: the stages before rendering."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import parallel
from .cache import BuildCache, checked_to_data, digest
from .data import to_json
from .check import Checked, CitedSpan, EntryChecker, file_digest
from .entries import scan_entry_files
from .errors import Problems
from .markup import render_markdown, slug_of
from .model import Entry, Group, MarkSpan, Timeline
from .names import page_name
from .settings import load_settings
from .sources import Source, load_sources


# Two edits of a file within one tick of the file system's clock leave the
# same modification time; times this recent are not trusted to show a change.
CLOCK_TICK_NS = 2_000_000_000


@dataclass(frozen=True)
class Folders:
    """The input folders, and how the user wrote them (errors name them so)."""

    content: Path
    seeds: Path
    content_shown: str
    seeds_shown: str


def load_timeline(
    folders: Folders, *, drafts: bool = False, base_url: str | None = None,
    cache: BuildCache | None = None, workers: int = 1, meanwhile: Callable[[], None] | None = None,
) -> tuple[Timeline | None, Problems]:
    """Everything before rendering. Returns (None, problems) if any error.
    `meanwhile`, if given, is done while the entries are checked (see
    parallel.run), or after, when none needs checking."""
    cache = cache or BuildCache(None, "")
    problems = Problems()
    settings = load_settings(folders.content, folders.content_shown, problems, base_url)
    sources = load_sources(folders.seeds, folders.seeds_shown, settings.timezone, problems)
    found = scan_entry_files(folders.content)   # each file with its size and time
    files = sorted(found)
    entry_paths = _slugs(files, folders.content_shown, problems)
    checker = EntryChecker(folders.content, folders.content_shown, settings.timezone, sources)
    intro: list = []   # the intro rendered, by parents_part

    def parents_part() -> None:
        # The intro is rendered while the workers check entries: it is the
        # text most likely to need markdown-it, whose import takes a while.
        intro.append(render_markdown(
            checker.md, settings.intro, first_line=settings.intro_line, doc_id="intro", from_path="_index.md",
        ))
        if meanwhile is not None:
            meanwhile()

    results = _check_all(checker, files, found, cache, workers, parents_part)

    kept: list[tuple[Entry, list[CitedSpan]]] = []
    left_out = {r.path for r in results if r.draft and not drafts}
    for result in results:
        quiet = result.draft and not drafts
        problems.extend(result.problems, as_warnings=quiet)
        if result.links:
            found = Problems()
            _check_links(os.path.join(folders.content_shown, result.path), result.links, entry_paths, left_out, found)
            problems.extend(found, as_warnings=quiet)
            if found.errors:
                continue
        if result.entry is not None and not quiet:
            kept.append((result.entry, result.cited))
    _check_links(os.path.join(folders.content_shown, "_index.md"), intro[0].links, entry_paths, left_out, problems)
    # In timeline order from here on: the marks list their entries so.
    kept.sort(key=lambda k: k[0].order())
    entries = [entry for entry, _ in kept]
    marks = _marks(kept, sources, problems)
    if problems.errors:
        return None, problems

    citing: dict[str, list[Entry]] = {sid: [] for sid in sources}
    for entry in entries:
        for sid in entry.cited_sources():
            citing[sid].append(entry)
    timeline = Timeline(
        settings=settings,
        intro_html=intro[0].html,
        entries=entries,
        sources=dict(sorted(sources.items())),
        marks=marks,
        tags=groups(entries, lambda e: e.tags),
        people=groups(entries, lambda e: e.people),
        citing=citing,
    )
    return timeline, problems


def _check_all(checker: EntryChecker, files: list[str], stats_found: dict[str, list[int] | None],
               cache: BuildCache, workers: int, meanwhile: Callable[[], None] | None) -> list[Checked]:
    """Check every entry file, taking unchanged ones from the cache.
    `stats_found` holds each file's [size, mtime_ns] as the scan found it."""
    context = check_context(cache.salt, checker.shown_dir, checker.tz, checker.sources)
    results: dict[str, Checked] = {}
    stats: dict[str, list | None] = {}
    todo: list[str] = []
    trust_before = time.time_ns() - CLOCK_TICK_NS
    for rel in files:
        stat = stats_found[rel]
        stats[rel] = stat if stat and stat[1] < trust_before else None
        # Size and time first; the contents only if a kept check could match
        # them (otherwise the checker hashes the bytes it reads anyway).
        file_hash = cache.file_hash(rel, context, stat)
        if file_hash is None and cache.knows(rel, context):
            try:
                with open(os.path.join(checker.content_dir, rel), "rb") as f:
                    file_hash = file_digest(f.read())
            except OSError:
                file_hash = ""
        hit = cache.checked(rel, context, file_hash) if file_hash is not None else None
        if hit is None:
            todo.append(rel)
        else:
            results[rel] = hit
            cache.keep_stat(rel, stats[rel])
    # Each process prepares the sources it verifies against when it first
    # needs them: the worker while the parent does its own part of the work
    # (templates, intro), rather than the parent before forking (0.05 s).
    for checked in parallel.run(_check_chunk, (checker, context), todo, workers, meanwhile=meanwhile):
        rel = checked.path
        results[rel] = checked
        cache.keep_checked(rel, context, checked.file_hash, stats[rel], checked)
    cache.forget_entries_except(set(files))
    return [results[rel] for rel in files]


def check_context(salt: str, shown_dir: str, tz: str, sources: dict[str, Source]) -> str:
    """What checking an entry depends on besides its file."""
    ordered = sorted(sources.values(), key=lambda s: s.id)
    return digest(salt, shown_dir, tz, [(s.id, s.sha256, sorted(s.furniture)) for s in ordered])


def _check_chunk(state: tuple[EntryChecker, str], rels) -> list[Checked]:
    """Check entries, and encode each result for the build cache: in the
    workers, where the encoding costs no time of the parent's."""
    checker, context = state
    out = []
    for rel in rels:
        checked = checker.check(rel)
        if checked.entry is not None:
            checked.entry.hash = entry_hash(context, rel, checked.file_hash)
        checked.cache_json = to_json(checked_to_data(checked))
        out.append(checked)
    return out


def entry_hash(context: str, rel: str, file_hash: str) -> str:
    """What every page key says of an entry: its file's bytes and what they
    were checked against (`context`), and its path, which gives its slug:
    a file renamed, its bytes unchanged, is linked by its new name."""
    return digest(context, rel, file_hash)


def _slugs(files: list[str], shown: str, problems: Problems) -> dict[str, str]:
    """content path -> slug; two files with one slug are an error."""
    seen: dict[str, str] = {}
    out: dict[str, str] = {}
    for rel in files:
        slug = slug_of(rel)
        if slug in seen:
            problems.error(os.path.join(shown, rel), 1, f'slug "{slug}" is also the slug of {os.path.join(shown, seen[slug])}: entry file names must be unique')
            continue
        seen[slug] = rel
        out[rel] = slug
    return out


def _check_links(path: str, links, entry_paths: dict[str, str], left_out: set[str], problems: Problems) -> None:
    """Each link to an entry's file must lead to an entry of this build."""
    for line, target in links:
        if target not in entry_paths:
            problems.error(path, line, f'link to "{target}": there is no such entry in the content folder')
        elif target in left_out:
            problems.error(path, line, f'link to "{slug_of(target)}", a draft that is left out of this build (build with --drafts, or remove the link)')


def _marks(kept: list[tuple[Entry, list[CitedSpan]]], sources, problems: Problems) -> dict[str, list[MarkSpan]]:
    """The marks of each source page: one per distinct citation, in text
    order, each listing the entries that cite it in the order of `kept`."""
    by_id: dict[tuple[str, str], MarkSpan] = {}
    for entry, cited in kept:
        for c in cited:
            mark = by_id.get((c.source, c.mark))
            if mark is None:
                mark = by_id[(c.source, c.mark)] = MarkSpan(c.mark, c.kind, c.spans)
            elif mark.spans != c.spans:
                # One text is always found at one place: other places mean other
                # texts whose ids collide (8 hex digits of a hash). Merging them
                # would link a citation to a passage it does not cite.
                other = mark.entries[0]
                problems.error(entry.shown_path, _citation_line(entry, c), (
                    f'the mark id "{c.mark}" of this citation of "{c.source}" is also the id of a different '
                    f"passage, cited by {other.shown_path}:{_citation_line(other, c)}; two ids of eight hex digits "
                    "collided: cite a slightly longer or shorter stretch of the text in one of them"))
                continue
            if not mark.entries or mark.entries[-1] is not entry:
                mark.entries.append(entry)
    out: dict[str, list[MarkSpan]] = {sid: [] for sid in sources}
    for (sid, _), mark in by_id.items():
        out[sid].append(mark)
    for marks in out.values():
        marks.sort(key=lambda m: (m.spans[0], m.id))
    return out


def _citation_line(entry: Entry, c: CitedSpan) -> int:
    """The line of the entry's citation that made the mark."""
    for item in [*entry.sources, *entry.quotes, *entry.figures]:
        if item.source == c.source and item.mark == c.mark:
            return item.line
    return 1


def groups(entries: list[Entry], labels_of) -> list[Group]:
    """Group entries by tag (or person); labels that make one name share a page."""
    by_name: dict[str, Group] = {}
    by_label: dict[str, Group] = {}
    for entry in entries:
        for label in labels_of(entry):
            group = by_label.get(label)
            if group is None:
                name = page_name(label)
                if name not in by_name:
                    by_name[name] = Group(name, label)
                group = by_label[label] = by_name[name]
            if not group.entries or group.entries[-1] is not entry:
                group.entries.append(entry)
    return sorted(by_name.values(), key=lambda g: (g.label.casefold(), g.name))
