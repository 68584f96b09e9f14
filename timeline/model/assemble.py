"""Read, check and assemble a whole timeline: the stages before rendering."""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..check.check import Checked, CitedSpan, EntryChecker, check_chunk
from ..errors import ContentError, Problems
from ..hashing import CLOCK_TICK_NS
from ..read.entries import scan_entry_files
from ..read.entry import Citation, Entry, Figure, Quote
from ..read import yamlread
from ..read.i18n import Language, load_language
from ..read.names import href, page_name, slug_of
from ..read.settings import Settings, load_settings
from ..read.sources import MISSING, Source, load_sources
from ..read.yamlread import LoadYaml
from .timeline import Group, MarkSpan, Timeline

if TYPE_CHECKING:  # how the build runs: handed in by the project
    from ..engine import Engine
    from ..memory import Memory


@dataclass(frozen=True)
class Folders:
    """The input folders, and how the user wrote them (errors name them so)."""

    content: Path
    seeds: Path
    content_shown: str
    seeds_shown: str


def load_timeline(
    folders: Folders, *, drafts: bool = False, base_url: str | None = None,
    engine: Engine, memory: Memory, meanwhile: Callable[[], None] | None = None,
) -> tuple[Timeline | None, Problems]:
    """Everything before rendering. Returns (None, problems) if any error.
    `engine` runs the checks (the pipeline's plain one, or a speed-up's);
    checks that `memory` holds and that still hold are reused, and the new
    ones kept there. `meanwhile`, if given, is done while the entries are
    checked (see Engine.map)."""
    readers = engine.readers
    problems = Problems()
    settings = load_settings(folders.content, folders.content_shown, problems, base_url, readers.load_yaml)
    language = project_language(folders, settings, problems, readers.load_yaml)
    broken: dict[str, str] = {}
    waiting: dict[str, list[ContentError]] = {}
    sources = load_sources(folders.seeds, folders.seeds_shown, settings.timezone, problems, readers.load_yaml, broken,
                           waiting, settings.language)
    # What is wrong with a source is said first, and once: entries citing it only point there.
    problems.leading = (os.path.join(folders.seeds_shown, ""),)
    found = scan_entry_files(folders.content)   # each file with its size and time
    files = sorted(found)
    entry_paths = _slugs(files, folders.content_shown, problems)
    checker = EntryChecker(folders.content, folders.content_shown, settings.timezone, sources, readers, memory.salt,
                           broken, folders.seeds_shown, settings.language)
    intro: list = []   # the intro rendered, by parents_part

    def parents_part() -> None:
        # Done while the entries are checked: the intro is the text most
        # likely to need markdown-it, whose import takes a while.
        intro.append(checker.markdown(settings.intro, first_line=settings.intro_line, doc_id="intro",
                                      from_path="_index.md"))
        if meanwhile is not None:
            meanwhile()

    results = check_all(checker, files, found, memory, engine, parents_part)

    kept: list[tuple[Entry, list[CitedSpan]]] = []
    left_out = {r.path for r in results if r.draft and not drafts}
    if MISSING in broken and any(r.cites and r.path not in left_out for r in results):
        problems.error(broken[MISSING], 1, "there is no sources.yaml, but entries cite sources: create it "
                       "(the init command makes an empty one) and give each source id its file, publisher, title "
                       "and published date")
    citing_first: dict[str, str] = {}
    for result in results:
        if result.path not in left_out:
            for sid in result.cites:
                citing_first.setdefault(sid, os.path.join(folders.content_shown, result.path))
    unfilled_sources(waiting, citing_first, problems)
    for result in results:
        quiet = result.draft and not drafts
        problems.extend(result.problems, as_warnings=quiet)
        if result.links:
            found_here = Problems()
            _check_links(os.path.join(folders.content_shown, result.path), result.links, entry_paths, left_out, found_here)
            problems.extend(found_here, as_warnings=quiet)
            if found_here.errors:
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
    tags, tag_of = groups(entries, lambda e: e.tags, "tags")
    people, person_of = groups(entries, lambda e: e.people, "people")
    tracks, track_of = groups(entries, lambda e: [e.group] if e.group else [], "groups")
    media_files: dict[str, tuple[str, str]] = {}
    for entry in entries:
        link_groups(entry, tag_of, person_of, track_of)
    for result in results:
        if result.entry is not None and not (result.draft and not drafts):
            for rel, bytes_digest in result.depends:
                media_files[f"media/{rel}"] = (str(folders.content / rel), bytes_digest)
    timeline = Timeline(
        settings=settings,
        intro_html=intro[0].html,
        entries=entries,
        sources=dict(sorted(sources.items())),
        marks=marks,
        tags=tags,
        people=people,
        citing=citing,
        context=checker.context,
        tag_of=tag_of,
        person_of=person_of,
        drafts_left_out=len(left_out),
        tracks=tracks,
        track_of=track_of,
        media_files=dict(sorted(media_files.items())),
        language=language,
    )
    return timeline, problems


def unfilled_sources(waiting: dict[str, list[ContentError]], citing: dict[str, str], problems: Problems) -> None:
    """A source lacking a required field is an error once an entry of
    this build cites it (`citing`: source id -> the first entry citing
    it), and a warning until then (CONTRACT.md section 6 additions): a
    capture awaiting its publisher never stops the build."""
    for sid, found in waiting.items():
        for problem in found:
            if sid in citing:
                problems.error(problem.path, problem.line, f'{problem.message}: source "{sid}" is cited '
                               f"(by {citing[sid]}), so it needs every required field")
            else:
                problems.warning(problem.path, problem.line, f'{problem.message}: fill it in before an entry cites '
                                 f'source "{sid}" (until then it is left out of the site)')


def project_language(folders: Folders, settings: Settings, problems: Problems,
                     load_yaml: LoadYaml = yamlread.load) -> Language:
    """The site's language: the setting's CLDR locale and the strings of
    the bundled catalogue and of the project's i18n/ folder, which sits
    beside the content folder; the catalogues read with `load_yaml`."""
    shown = folders.content_shown.rstrip("/\\")
    return load_language(settings.language, settings.language_line, os.path.join(shown, "_index.md"),
                         folders.content.resolve().parent, os.path.dirname(shown), problems, load_yaml)


def check_all(checker: EntryChecker, files: list[str], stats_found: dict[str, list[int] | None],
              memory: Memory, engine: Engine, meanwhile: Callable[[], None] | None = None) -> list[Checked]:
    """Check every entry file, reusing the checks `memory` holds of
    unchanged ones. `stats_found` holds each file's [size, mtime_ns]."""
    context = checker.context
    results: dict[str, Checked] = {}
    stats: dict[str, list | None] = {}
    todo: list[str] = []
    trust_before = time.time_ns() - CLOCK_TICK_NS
    for rel in files:
        stat = stats_found[rel]
        stats[rel] = stat if stat and stat[1] < trust_before else None
        hit = memory.reuse(rel, context, stat, str(checker.content_dir))
        if hit is None:
            todo.append(rel)
        else:
            results[rel] = hit
            memory.keep_stat(rel, stats[rel])
    for checked in engine.check_entries(checker, todo, meanwhile):
        rel = checked.path
        results[rel] = checked
        memory.keep_checked(rel, context, checked.file_hash, stats[rel], checked)
    memory.forget_entries_except(set(files))
    return [results[rel] for rel in files]


_SPACE = re.compile(r"\s")


def _slugs(files: list[str], shown: str, problems: Problems) -> dict[str, str]:
    """content path -> slug; two files with one slug are an error."""
    seen: dict[str, str] = {}
    out: dict[str, str] = {}
    for rel in files:
        slug = slug_of(rel)
        name = rel.rsplit("/", 1)[-1]
        if _SPACE.search(name):
            fixed = "-".join(name[:-3].split()) + ".md"
            problems.error(os.path.join(shown, rel), 1, f'the file name "{name}" holds white space, which an entry\'s '
                           f'page name and id cannot: rename it with hyphens, as "{fixed}"')
            continue
        if slug in seen:
            problems.error(os.path.join(shown, rel), 1, f'slug "{slug}" is also the slug of {os.path.join(shown, seen[slug])}: entry file names must be unique')
            continue
        seen[slug] = rel
        out[rel] = slug
    return out


def _check_links(path: str, links: list[tuple[int, str]], entry_paths: dict[str, str], left_out: set[str],
                 problems: Problems) -> None:
    """Each link to an entry's file must lead to an entry of this build."""
    for line, target in links:
        if target not in entry_paths:
            problems.error(path, line, f'link to "{target}": there is no such entry in the content folder')
        elif target in left_out:
            problems.error(path, line, f'link to "{slug_of(target)}", a draft that is left out of this build (build with --drafts, or remove the link)')


def _marks(kept: list[tuple[Entry, list[CitedSpan]]], sources: dict[str, Source],
           problems: Problems) -> dict[str, list[MarkSpan]]:
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
    items: list[Citation | Quote | Figure] = [*entry.sources, *entry.quotes, *entry.figures]
    for item in items:
        if item.source == c.source and item.mark == c.mark:
            return item.line
    return 1


def groups(entries: list[Entry], labels_of: Callable[[Entry], list[str]],
           kind: str) -> tuple[list[Group], dict[str, tuple[str, str]]]:
    """Group entries by tag (or person): labels that differ only in letter
    case or white space are one group, shown as most entries write it (the
    first written on a tie); two groups whose labels make one page name get
    distinct pages. Returns the groups in order, and each spelling's
    (label shown, page)."""
    key_of: dict[str, str] = {}             # spelling -> its group's key, made once per spelling
    by_key: dict[str, Group] = {}
    written: dict[str, Counter[str]] = {}   # group key -> spelling -> entries writing it
    for entry in entries:
        for label in labels_of(entry):
            key = key_of.get(label)
            if key is None:
                key = key_of[label] = group_key(label)
                if key not in by_key:
                    by_key[key], written[key] = Group("", label), Counter()
            written[key][label] += 1
            group = by_key[key]
            if not group.entries or group.entries[-1] is not entry:
                group.entries.append(entry)
    used: set[str] = set()
    for key in sorted(by_key):
        group = by_key[key]
        group.label = written[key].most_common(1)[0][0]   # the first of the most written
        name = base = page_name(key)
        n = 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        group.name = name
        group.href = href(kind, name + ".html")
    shown = {label: (by_key[key].label, by_key[key].href) for label, key in key_of.items()}
    return sorted(by_key.values(), key=lambda g: (g.label.casefold(), g.name)), shown


def group_key(label: str) -> str:
    """What two spellings of one tag or name share: letters in any case,
    white space of any length."""
    return " ".join(unicodedata.normalize("NFC", label).casefold().split())


def track_link(label: str | None, shown: Mapping[str, Sequence[str]]) -> tuple[str, str] | None:
    """(label shown, page) of an entry's track, if it has one."""
    return _pair(shown[label]) if label else None


def link_groups(entry: Entry, tag_of: Mapping[str, Sequence[str]], person_of: Mapping[str, Sequence[str]],
                track_of: Mapping[str, Sequence[str]]) -> None:
    """What the model stage adds to an entry: the (label shown, page) of
    its tags, people and track, which depend on the other entries too."""
    entry.tag_links = group_links(entry.tags, tag_of)
    entry.people_links = group_links(entry.people, person_of)
    entry.group_link = track_link(entry.group, track_of)


def group_links(labels: list[str], shown: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """(label shown, page) of each group an entry is in, once each; `shown`
    maps each spelling to its group's pair (as `groups` returns them, or in
    a list, as the quick rebuild's manifest keeps it)."""
    return list(dict.fromkeys(_pair(shown[label]) for label in labels))


def _pair(pair: Sequence[str]) -> tuple[str, str]:
    label, page = pair
    return label, page
