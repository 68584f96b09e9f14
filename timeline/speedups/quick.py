"""The quick rebuild: a one-entry edit redoes a handful of files.
Most edits change an entry's text below its front matter and nothing
else: not its date, title, tags, people, quotes, passages or figures, the
things other pages show, which all live in the front matter (its outline).
Such an edit changes the entry's page; every other page shows the entry
only through its fragments (small templates rendered per entry by
`Renderer.entry_fragment`: its card, its list item, its card on the embed
page, its entry in the feed), and the files of one piece per entry
(`render.entry_files`) through their pieces. As a build renders a page it
records which fragments of which entries the page holds (`Memory.placed`);
the quick rebuild makes the entry's fragments and pieces again and
replaces the old by the new where they were placed, the same way for
every page and file, and remakes the search shards of the words the entry
gained or lost (`data.patch_word_shards`). No list of places is kept here.
It reads neither the whole build cache nor every entry, and plans no other
page, so its cost hardly grows with the timeline.

It rests on a manifest that every successful build leaves in the cache
folder: a digest of every input but the entries, every entry file (size
and time, contents, outline: see `data.outline`), the timeline's order
and where each entry is listed, and every output file's size and time.
Whenever anything is not as the quick way expects (another input changed,
an entry file came or went, an edit changed a front matter or has any problem,
an output file was touched, templates of the user's own are in use, a
piece is not found exactly once), `rebuild` returns None and the full
build runs; both give the same bytes (tests/test_quick.py).

A changed static file (a stylesheet) changes no page: it is copied, the
quick way too. An engine that stays in memory (the live preview's) keeps
the manifest as it left it and is told which files changed (`Watched`),
so it looks at those alone, not at every entry and output file.

A project that stays in memory keeps its last build (Project.last) and
first tries `patch`: no manifest, no hand-kept list of places, but the
pages' recorded reads (keys.PageReads) say which pages an edit reaches."""

from __future__ import annotations

import dataclasses
import json
import mmap
import os
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..model.assemble import link_groups, project_language, unfilled_sources
from ..check.check import Checked, EntryChecker
from ..read.data import patch_word_shards, search_tokens, to_json
from ..read.entries import scan_entry_files
from ..errors import ContentError, Problems
from ..render.exports import EventWriter, icalendar_event
from ..hashing import digest, file_digest, short_digest
from ..memory import CLOCK_TICK_NS, file_stat
from ..read.entry import Entry
from ..model.timeline import Timeline
from ..render.keys import Read, Recorder, merge_reads, watched_classes
from ..write.output import Replica, replace_files, static_jobs, walk_tree
from ..project import BUNDLED_STATIC, Build, Options, Project, Result
from ..read.readers import Readers
from ..render.pieces import Around, EntryFile, Joined, Made
from ..render.render import (BUNDLED_TEMPLATES, Job, Lazy, Renderer, entry_files, entry_page,
                              search_numbers, search_results_file)
from ..read.settings import Settings, load_settings
from ..read.sources import Source, load_sources
from ..render.views import listed_on, split_listing
from .cache import BuildCache, cache_line, checked_from_data

if TYPE_CHECKING:
    import jinja2

MANIFEST = "manifest.json"
# What quick rebuilds changed since: JSON lines ["f", entry file, record],
# ["p", output file, stat] or ["s", static file, digest], applied in order
# over the manifest.
MANIFEST_LOG = "manifest.log"
# Where each entry's fragments are (Renderer.placed, kept by page in the
# build cache): a head {"kinds": [[template, root, names], ...], "pages":
# [page, ...]}, then a line [entry's place in the order, kind, page, kind,
# page, ...] for each entry in a fragment, looked up without reading the rest.
PLACED = "placed.json"
# More changed entries than this, and a full build is about as quick.
MAX_CHANGED = 32
MAX_LOG = 4000


@dataclass
class Watched:
    """What an engine that stays in memory (the live preview's) knows and a
    new process would have to look for: the manifest as its last rebuild
    left it. Told also which entry files changed since (as a watcher saw
    them), the quick way looks at those files only, not at every entry and
    output file (the output folder is then taken to be the preview's own)."""

    manifest: dict | None = None
    stamp: tuple | None = None            # the manifest's files as that rebuild left them


def _stamp(cache_folder: Path) -> tuple:
    return (file_stat(str(cache_folder / MANIFEST)), file_stat(str(cache_folder / MANIFEST_LOG)))


@dataclass
class Inputs:
    """Everything a build reads but the entry files, loaded."""

    settings: Settings
    sources: dict[str, Source]
    renderer: Renderer
    static: list[Job]
    digest: str


def read_inputs(options: Options, salt: str, problems: Problems, readers: Readers,
                environment: Callable[..., jinja2.Environment]) -> Inputs:
    folders = options.folders
    settings = load_settings(folders.content, folders.content_shown, problems, options.base_url, readers.load_yaml)
    waiting: dict = {}
    sources = dict(sorted(load_sources(folders.seeds, folders.seeds_shown, settings.timezone, problems,
                                       readers.load_yaml, None, waiting, settings.language).items()))
    # A body edit cites nothing new: a source awaiting a field is still uncited.
    unfilled_sources(waiting, {}, problems)
    renderer = Renderer(options.templates, options.templates_shown, environment)
    static = static_jobs(options.static, BUNDLED_STATIC, options.static_shown)
    renderer.use_static(static)
    renderer.use_language(project_language(folders, settings, problems, readers.load_yaml))
    return Inputs(settings, sources, renderer, static, inputs_digest(options, salt, settings, sources, renderer, static))


def inputs_digest(options: Options, salt: str, settings: Settings, sources: dict[str, Source],
                  renderer: Renderer, static: list[Job]) -> str:
    assert options.out_dir is not None and renderer.language is not None   # a build that writes, in its language
    folders = options.folders
    return digest(
        salt, [str(p.resolve()) for p in (folders.content, folders.seeds, options.out_dir, options.static)],
        folders.content_shown, folders.seeds_shown, options.drafts, repr(settings),
        [(s.id, s.sha256, repr({**vars(s), "text": None})) for s in sources.values()],
        renderer.fingerprint(), [j.path for j in static], renderer.language.fingerprint,
    )


def static_digests(static: list[Job]) -> dict[str, str]:
    """Each static file's digest: a changed stylesheet alone is copied, no
    page made again (which static files there are is in inputs_digest:
    the pages link extra.css only where it is)."""
    return {job.path: digest(job.data) for job in static}


def _bundled_templates_only(renderer: Renderer) -> bool:
    """The quick way knows where the bundled templates show what; a user's
    own templates may show an entry's text anywhere."""
    return renderer.fingerprint() == Renderer(BUNDLED_TEMPLATES, "").fingerprint()


# ---- after a full build ----

def depends_records(content: Path, depends: dict[str, str]) -> dict[str, str]:
    """The other files the entries' checks read (pictures), each as
    "size:mtime_ns DIGEST", for the quick way to see that none changed."""
    trust_before = time.time_ns() - CLOCK_TICK_NS
    out = {}
    for rel, found in sorted(depends.items()):
        stat = file_stat(os.path.join(content, rel))
        out[rel] = f"{_stat_text(stat if stat and stat[1] < trust_before else None)} {found}"
    return out


def _depends_unchanged(content: Path, records: dict[str, str]) -> bool:
    for rel, record in records.items():
        stat_text, found = record.split(" ")
        stat = file_stat(os.path.join(content, rel))
        if stat is not None and stat_text and _stat_text(stat) == stat_text:
            continue
        try:
            with open(os.path.join(content, rel), "rb") as f:
                if file_digest(f.read()) != found:
                    return False
        except OSError:
            if found:
                return False
    return True


def manifest_head(salt: str, inputs_key: str, static: dict[str, str], context: str, timeline: Timeline,
                  files: dict[str, list], warnings: list[ContentError], depends: dict[str, str],
                  pieced: list[EntryFile]) -> str:
    """The manifest of the site being built but its output files, as JSON
    text: made while the workers render, as it needs nothing they make.
    `files` maps each entry file to [stat or None, contents hash, outline
    or None]; `warnings` are those the build prints (of drafts left out),
    for a quick rebuild to print again; `pieced` the files of one piece
    per entry, whose shared data it keeps for their pieces to read."""
    where = listed_on(split_listing(timeline.entries, timeline.settings.page_size, timeline.language))
    listed = [where.get(e.slug, "index.html") for e in timeline.entries]
    listings = sorted(set(listed))
    number = {path: i for i, path in enumerate(listings)}
    return to_json({
        "format": salt, "inputs": inputs_key, "static": static, "context": context,
        "files": {rel: _file_record(*item) for rel, item in files.items()},
        "order": [e.path for e in timeline.entries],
        "listings": listings, "listed": [number[path] for path in listed],
        "warnings": [[p.path, p.line, p.message, p.severity] for p in warnings],
        "left_out": timeline.drafts_left_out,
        "tag_of": timeline.tag_of, "person_of": timeline.person_of, "track_of": timeline.track_of,
        "depends": depends,
        "shared": {file.name: file.shared(timeline, where) for file in pieced},
    })


def save_manifest(cache_folder: Path, head: str, site: dict[str, list[int] | None],
                  placed: dict[str, list] | None, order: list[str]) -> None:
    """Describe the site just built: `head` from manifest_head, `site`
    each output file's stat as written, `placed` the fragments each of its
    pages holds (see Memory.placed; None if that is not known of every
    page: then no edit that changes an entry's fragments is quick), `order`
    the entries' paths in the timeline's order."""
    pages = to_json({path: _stat_text(stat) for path, stat in site.items()})
    text = f'{head[:-1]},"pages":{pages}}}'
    cache_folder.mkdir(parents=True, exist_ok=True)
    forget_manifest(cache_folder)
    index = _placed_index(placed, order) if placed is not None else None
    if index is not None:
        _write_atomically(cache_folder / PLACED, index)
    _write_atomically(cache_folder / MANIFEST, text)


def _placed_index(placed: dict[str, list], order: list[str]) -> str | None:
    """The text of PLACED; None if a page holds an entry not in `order`,
    or two entries' paths share a short digest."""
    position = {short_digest(rel): i for i, rel in enumerate(order)}
    if len(position) != len(order):
        return None
    kinds: dict[tuple[str, str, str], int] = {}
    by_entry: dict[int, list[int]] = {}
    for page_number, items in enumerate(placed.values()):
        for template, root, names, rels in items:
            kind = kinds.setdefault((template, root, names), len(kinds))
            for rel in rels:
                i = position.get(rel)
                if i is None:
                    return None
                by_entry.setdefault(i, []).extend((kind, page_number))
    head = to_json({"kinds": [list(k) for k in kinds], "pages": list(placed)})
    # A line for every entry, even one in no fragment: a line missing is a damaged file.
    return "".join([head, "\n", *[f"[{','.join(map(str, [i, *by_entry.get(i, ())]))}]\n" for i in range(len(order))]])


def _placed(cache_folder: Path, where: dict[str, int]) -> dict[str, list[tuple[str, str, str, str]]]:
    """The fragments of these entries (entry path -> its place in the
    order), as (template, root, names, page) each (see PLACED)."""
    try:
        with open(cache_folder / PLACED, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        raise _NotQuick("where the fragments are is not known") from None
    found: dict[str, list[tuple[str, str, str, str]]] = {}
    with data:
        head = json.loads(data[: data.find(b"\n")])
        kinds, pages = head["kinds"], head["pages"]
        for rel, i in where.items():
            number = str(i).encode("ascii")
            start = data.find(b"\n[" + number + b",")
            if start < 0:
                start = data.find(b"\n[" + number + b"]\n")
            end = data.find(b"\n", start + 1)
            if start < 0 or end < 0:
                raise _NotQuick("an entry is missing from where the fragments are")
            line = json.loads(data[start + 1 : end])
            found[rel] = [(*kinds[kind], pages[page]) for kind, page in zip(line[1::2], line[2::2])]
    return found


def _stat_text(stat: list[int] | None) -> str:
    """[size, mtime_ns] as "size:mtime_ns"; "" for none (not to be trusted)."""
    return "" if stat is None else f"{stat[0]}:{stat[1]}"


def _file_record(stat: list[int] | None, file_hash: str, outline: str | None) -> str:
    """An entry file: "size:mtime_ns HASH OUTLINE" (outline "-": no entry)."""
    return f"{_stat_text(stat)} {file_hash} {outline or '-'}"


def forget_manifest(cache_folder: Path) -> None:
    """Before a full build changes the site: a manifest must never describe
    a site other than the one on disk."""
    for name in (MANIFEST, MANIFEST_LOG, PLACED):
        try:
            os.unlink(cache_folder / name)
        except OSError:
            pass


def _write_atomically(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_manifest(cache_folder: Path, salt: str) -> dict | None:
    try:
        with open(cache_folder / MANIFEST, encoding="utf-8") as f:
            m = json.load(f)
        if m["format"] != salt:
            return None
        for key, kind in (("inputs", str), ("context", str), ("files", dict), ("order", list),
                          ("listings", list), ("listed", list), ("pages", dict), ("warnings", list),
                          ("tag_of", dict), ("person_of", dict), ("track_of", dict), ("depends", dict),
                          ("static", dict), ("shared", dict),
                          ("left_out", int)):
            if not isinstance(m[key], kind):
                return None
        if len(m["listed"]) != len(m["order"]) or not all(isinstance(v, str) for v in m["files"].values()):
            return None
        try:
            with open(cache_folder / MANIFEST_LOG, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) > MAX_LOG:
            return None  # a full build starts the manifest afresh
        log = [json.loads(line) for line in lines]
        tables = _tables(m)
        if any(key not in tables[table] or not isinstance(value, str) for table, key, value in log):
            return None
        _apply_log(m, log)
        return m
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _tables(m: dict) -> dict[str, dict]:
    """The manifest's tables, by the letter a log line names them with."""
    return {"f": m["files"], "p": m["pages"], "s": m["static"]}


def _apply_log(m: dict, log: list[list]) -> None:
    tables = _tables(m)
    for table, key, value in log:
        tables[table][key] = value


def _append_log(cache_folder: Path, log: list[list]) -> None:
    _append_lines(cache_folder / MANIFEST_LOG, [to_json(item) + "\n" for item in log])


def _append_lines(path: Path, lines: list[str]) -> None:
    if lines:
        with open(path, "a", encoding="utf-8") as f:
            f.write("".join(lines))


# ---- the quick rebuild ----

class _NotQuick(Exception):
    """Something the quick rebuild does not handle: do a full build."""


def rebuild(options: Options, cache_folder: Path, salt: str, readers: Readers,
            environment: Callable[..., jinja2.Environment],
            watched: Watched | None = None, changed: list[str] | None = None,
            ics_event: EventWriter = icalendar_event, spare: Path | None = None) -> Result | None:
    """Rebuild the quick way if it applies, or None for a full build.
    Never leaves the site half-changed. `changed`: the only content files
    (relative to it) that changed since `watched` was left, if known;
    `ics_event` the engine's writer of timeline.ics's events; `spare` as
    for output.write_site."""
    try:
        return _rebuild(options, cache_folder, salt, readers, environment, watched, changed, ics_event, spare)
    except (_NotQuick, ContentError, OSError, ValueError, KeyError, TypeError, IndexError):
        # Anything unexpected, a template error included: the full build
        # does it all again, and reports what it finds as usual.
        if watched is not None:
            watched.manifest = None
        return None


def _rebuild(options: Options, cache_folder: Path, salt: str, readers: Readers,
             environment: Callable[..., jinja2.Environment],
             watched: Watched | None, changed_files: list[str] | None, ics_event: EventWriter,
             spare: Path | None) -> Result:
    assert options.out_dir is not None   # FastEngine.shortcut: never for a check
    trust_before = time.time_ns() - CLOCK_TICK_NS
    said: list[str] | None = None     # the only entry files that changed, if known
    m: dict | None
    if watched is not None and watched.manifest is not None and watched.stamp == _stamp(cache_folder):
        m, said = watched.manifest, changed_files
    else:
        m = _read_manifest(cache_folder, salt)
    if m is None:
        raise _NotQuick("no manifest")
    problems = Problems()
    inputs = read_inputs(options, salt, problems, readers, environment)
    if problems.items or inputs.digest != m["inputs"] or not _bundled_templates_only(inputs.renderer):
        raise _NotQuick("inputs changed")
    known: dict[str, str] = m["files"]
    if said is None:
        files = scan_entry_files(options.folders.content)
        if len(files) != len(known) or any(rel not in known for rel in files):
            raise _NotQuick("entries added or removed")
    else:
        # The settings (_index.md) are among the inputs, compared above.
        files = {rel: file_stat(os.path.join(options.folders.content, rel)) for rel in said if rel != "_index.md"}
        if any(rel not in known or stat is None for rel, stat in files.items()):
            raise _NotQuick("entries added or removed, or another file changed")
    if not _depends_unchanged(options.folders.content, m["depends"]):
        raise _NotQuick("a picture changed")

    changed: list[str] = []
    log: list[list] = []      # what changes in the manifest
    was: dict[str, list[str]] = {}   # [stat, hash, outline] of files not unchanged
    for rel, stat in files.items():
        record = known[rel]
        if stat is not None and record.startswith(_stat_text(stat) + " "):
            continue
        was[rel] = record.split(" ")
        with open(os.path.join(options.folders.content, rel), "rb") as f:
            if file_digest(f.read()) != was[rel][1]:
                changed.append(rel)
                if len(changed) > MAX_CHANGED:
                    raise _NotQuick("many entries changed")
                continue
        trusted = stat if stat is not None and stat[1] < trust_before else None
        if _stat_text(trusted) != was[rel][0]:
            log.append(["f", rel, _file_record(trusted, was[rel][1], was[rel][2])])
    order: list[str] = m["order"]
    # Every output file was just seen as the manifest has it: the site need not be listed again.
    site = _Site(options.out_dir, spare, list(m["pages"]) if said is None else None)
    for job, data_digest in zip(inputs.static, static_digests(inputs.static).values()):
        if data_digest != m["static"][job.path]:
            assert isinstance(job.data, bytes)   # static files are read whole
            site.put(job.path, job.data)
            log.append(["s", job.path, data_digest])
    # Every output file as the last build left it, and no other (unless the
    # caller saw every change): looked at once the new site's tree is begun,
    # on another core, when entries changed.
    out_dir, pages = options.out_dir, m["pages"]
    if not changed:
        if said is None and not _site_as_left(out_dir, pages):
            raise _NotQuick("output files changed")
        return _finish(options, cache_folder, m, site, log, [], watched)
    site.begin_replica()
    try:
        if said is None and not _site_as_left(out_dir, pages):
            raise _NotQuick("output files changed")
        return _changed(options, cache_folder, salt, readers, inputs, m, site, log, changed, files, was, known,
                        order, watched, ics_event, trust_before)
    except BaseException:
        site.abandon()
        raise


def _changed(options: Options, cache_folder: Path, salt: str, readers: Readers, inputs: Inputs, m: dict,
             site: "_Site", log: list[list], changed: list[str], files: dict[str, list[int] | None],
             was: dict[str, list[str]], known: dict[str, str], order: list[str], watched: Watched | None,
             ics_event: EventWriter, trust_before: int) -> Result:
    """The rest of the quick rebuild once entries changed: their checks,
    pages, fragments and pieces."""
    checker = EntryChecker(options.folders.content, options.folders.content_shown, inputs.settings.timezone,
                           inputs.sources, readers, salt, None, options.folders.seeds_shown, inputs.settings.language)
    context = checker.context
    if context != m["context"]:
        raise _NotQuick("checks depend on other things now")
    position = {rel: i for i, rel in enumerate(order)}
    new: dict[str, Checked] = {}
    now: dict[str, Entry] = {}
    for rel in changed:
        checked = checker.check(rel)
        if (checked.entry is None or checked.problems.items or rel not in position
                or checked.entry.outline != was[rel][2]
                or any(target not in position for _, target in checked.links)):
            raise _NotQuick("the edit changes more than the entry's own pieces")
        new[rel], now[rel] = checked, checked.entry

    neighbours = {order[j] for rel in changed for j in (position[rel] - 1, position[rel] + 1) if 0 <= j < len(order)}
    hashes = {rel: (was[rel] if rel in was else known[rel].split(" "))[1] for rel in set(changed) | neighbours}
    old = _cached_entries(cache_folder, salt, context, hashes)
    current = {rel: now[rel] if rel in now else old[rel] for rel in old}
    # The old pieces too: they are looked for as they were written.
    for entry in [*current.values(), *old.values()]:
        link_groups(entry, m["tag_of"], m["person_of"], m["track_of"])

    renderer, sources = inputs.renderer, inputs.sources
    pieced = entry_files(ics_event)
    lang = renderer.language
    assert lang is not None
    placed = _placed(cache_folder, {rel: position[rel] for rel in changed})
    # What fragments are given besides their entry and root (Renderer.entry_fragment).
    given = {"sources": sources, "site": inputs.settings}
    for rel in changed:
        entry, before = current[rel], old[rel]
        i = position[rel]
        previous = current[order[i - 1]] if i else None
        following = current[order[i + 1]] if i + 1 < len(order) else None
        listed = m["listings"][m["listed"][i]]
        path, context_ = entry_page(entry, previous, following, listed, sources)
        site.put(path, renderer.render("entry.html", path, site=inputs.settings, **context_))
        # Every other page shows the entry in its fragments only (what else
        # it shows of an entry is in the outline, unchanged): each is made
        # again and replaced where the last build placed it.
        times: dict[tuple[str, ...], int] = {}
        for template, root, names, page in placed[rel]:
            times[template, root, names, page] = times.get((template, root, names, page), 0) + 1
        for (template, root, names, page), count in times.items():
            shared = {name: given[name] for name in names.split(",") if name}
            was_html = str(renderer.entry_fragment(template, before, root, **shared))
            html = str(renderer.entry_fragment(template, entry, root, **shared))
            if html != was_html:
                site.splice(page, was_html, html, count)
        # Where a piece names the entry's listing page: none for the home page.
        around_listed = None if listed == "index.html" else listed
        for file in pieced:
            around = Around(sources, inputs.settings, lang, m["shared"][file.name], around_listed)
            was_piece, piece_now = file.piece(before, around), file.piece(entry, around)
            if piece_now == was_piece:
                continue   # not looked for: these files are large
            if not was_piece or not piece_now:
                raise _NotQuick("a piece comes or goes")
            for out in file.outputs:
                site.splice(out.path, out.finish(was_piece), out.finish(piece_now))
        # The split search index holds an entry's words by word, not by entry: the
        # shards of the words that came or went are made again from themselves.
        for path, data in patch_word_shards(site.read, i, search_tokens(before), search_tokens(entry),
                                            len(order)).items():
            site.put(path, data)

    cache_lines = []
    for rel, checked in new.items():
        stat = files[rel]
        trusted = stat if stat is not None and stat[1] < trust_before else None
        log.append(["f", rel, _file_record(trusted, checked.file_hash, now[rel].outline)])
        cache_lines.append(cache_line("e", rel, [m["context"], checked.file_hash, trusted, checked]))
    return _finish(options, cache_folder, m, site, log, cache_lines, watched)


def _finish(options: Options, cache_folder: Path, m: dict, site: "_Site", log: list[list],
            cache_lines: list[str], watched: Watched | None) -> Result:
    """Move the changed files in; then the build cache gets the new checks
    (so that a full build need not redo them), the manifest what is now
    on disk."""
    assert options.out_dir is not None
    written = site.commit()
    for path in written:
        log.append(["p", path, _stat_text(file_stat(os.path.join(options.out_dir, path)))])
    _append_lines(cache_folder / "cache.json", cache_lines)
    _append_log(cache_folder, log)
    if watched is not None:
        _apply_log(m, log)
        watched.manifest, watched.stamp = m, _stamp(cache_folder)
    return _result(m, written)


def _result(m: dict, written: list[str]) -> Result:
    """What the quick rebuild did, told as the full build tells it: the
    rest (warnings, counts) as the manifest has it from the last build."""
    return Result(None, [ContentError(*w) for w in m["warnings"]], len(m["pages"]), written, [], quick=True,
                  entry_count=len(m["order"]), drafts_left_out=m["left_out"])


def _site_as_left(out_dir: Path, pages: dict[str, str]) -> bool:
    """Every output file as the last build left it, and no other file."""
    seen = 0
    for path, item in walk_tree(out_dir):
        if item.is_dir(follow_symlinks=False):
            continue
        st = item.stat()
        if pages.get(path) != f"{st.st_size}:{st.st_mtime_ns}":
            return False
        seen += 1
    return seen == len(pages)


def _cached_entries(cache_folder: Path, salt: str, context: str, hashes: dict[str, str]) -> dict[str, Entry]:
    """The kept checks of a few entry files, found in the build cache
    without reading all of it: the last line of each wins (see cache.py)."""
    with open(cache_folder / "cache.json", "rb") as f:
        if json.loads(f.readline()) != {"format": salt}:
            raise _NotQuick("not our cache")
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    with data:
        return {rel: _cached_entry(data, rel, context, file_hash) for rel, file_hash in hashes.items()}


def _cached_entry(data: mmap.mmap, rel: str, context: str, file_hash: str) -> Entry:
    key = b'\n["e",' + to_json(rel).encode("utf-8") + b","
    start = data.rfind(key)
    if start < 0:
        raise _NotQuick("not in the cache")
    end = data.find(b"\n", start + 1)
    _, _, item = json.loads(data[start + 1 : end if end >= 0 else len(data)])
    if item[0] != context or item[1] != file_hash:
        raise _NotQuick("the cache holds another check")
    entry = checked_from_data(item[3]).entry
    if entry is None:
        raise _NotQuick("the cache holds no entry")
    return entry


class _Site:
    """Output files read, changed in memory, then moved into place together.
    Pieces are found and replaced as UTF-8 bytes: decoding a large file
    only to find one piece in it would cost more than the rest."""

    def __init__(self, out_dir: Path, spare: Path | None = None, listing: list[str] | None = None):
        self.out_dir = out_dir
        self.spare = spare
        self.listing = listing   # every file of the site, if known
        self.replica: Replica | None = None
        self.old: dict[str, bytes] = {}
        self.new: dict[str, bytes] = {}

    def begin_replica(self) -> None:
        """Begin the new site's tree (output.Replica) before knowing what changes."""
        self.replica = Replica(self.out_dir, self.spare, self.listing)

    def abandon(self) -> None:
        if self.replica is not None:
            self.replica.abandon()
            self.replica = None

    def read(self, path: str) -> bytes:
        if path not in self.new:
            with open(self.out_dir / path, "rb") as f:
                self.old[path] = self.new[path] = f.read()
        return self.new[path]

    def put(self, path: str, data: bytes) -> None:
        self.read(path)
        self.new[path] = data

    def splice(self, path: str, before: str, after: str, count: int = 1) -> None:
        """Replace `before`, found exactly `count` times."""
        data, old = self.read(path), before.encode("utf-8")
        if data.count(old) != count:
            raise _NotQuick(f"piece not found {count} times in {path}")
        self.new[path] = data.replace(old, after.encode("utf-8"))

    def commit(self) -> list[str]:
        """Swap in the site with every changed file, all at once, as a
        build does (output.replace_files): killed at any moment, the site
        is the old one or the new one."""
        changed = [p for p in self.new if self.new[p] != self.old[p]]
        if changed:
            replica, self.replica = self.replica, None
            replace_files(self.out_dir, {path: self.new[path] for path in changed}, self.spare, listing=self.listing,
                          replica=replica)
        else:
            self.abandon()
        return changed


# ---- an edit patched into the last build kept in memory ----

# What the model (assemble.load_timeline) makes of an entry besides its
# check's citations, links and pictures (compared whole below): its place
# in the timeline's order and its groups. An edit of any of these, or of
# an attribute the planning of the pages read (Build.planned), takes the
# full way.
_PLACING = frozenset(("path", "slug", "date", "tags", "people", "group", "draft"))
# Made by the model from the other entries too: never taken from a check.
_MODEL_MADE = frozenset(("tag_links", "people_links", "group_link"))


@dataclass
class Live:
    """What the last build kept in memory (project.last) needs beside it
    to be patched: the inputs but the entries as that build found them,
    and the files of one piece per entry as their parts (pieces.Joined),
    made when the first edit comes."""

    inputs: tuple[str, dict[str, str]] | None = None    # (digest of the others, each static file's)
    build: object | None = None                          # the Build the rest was made for
    files: list[tuple[EntryFile, Made, list[Joined]]] | None = None
    shared: dict[str, tuple[str, Any]] | None = None     # each file's shared data, and as JSON
    reads: dict[str, set[str]] | None = None             # what of the entries it read, with head and foot
    written: list[str] | None = None                     # by the last patch, if it swapped the site
    where: dict[str, str] | None = None                  # slug -> the listing page that shows it
    numbers: dict[str, dict[str, int]] = field(default_factory=dict)   # the search's (render.search_numbers)
    # The build the two lookups below were made of: each entry's place, each job by its path.
    looked_up: object | None = None
    position: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    prepared: object | None = None   # the build `prepare` made the rest for
    # What each page view (a Lazy of a page's context) read when a patch
    # last made it: kept while an edit changes none of it.
    views: "weakref.WeakKeyDictionary[Lazy, Read]" = field(default_factory=weakref.WeakKeyDictionary)


def other_inputs(options: Options) -> tuple[str, dict[str, str]]:
    """A digest of every input of a build but the entry files (the
    settings, the catalogues, the sources and their texts, the project's
    own templates), and each static file's digest: read in a few
    milliseconds, before a build reads them."""
    folders = options.folders
    parts: list = []
    for folder in (folders.seeds, folders.content.parent / "i18n", options.templates):
        parts.append((str(folder), _folder_digests(folder)))
    try:
        parts.append(file_digest((folders.content / "_index.md").read_bytes()))
    except OSError:
        parts.append(None)
    static: dict[str, str] = {}
    for folder in (BUNDLED_STATIC, options.static):
        static.update({f"static/{path}": found for path, found in _folder_digests(folder).items()})
    return digest(parts), static


def _folder_digests(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    if not folder.is_dir():
        return found
    for path, item in walk_tree(folder):
        if item.is_file():
            with open(item.path, "rb") as f:
                found[path] = file_digest(f.read())
    return dict(sorted(found.items()))


def patch(project: Project, live: Live, inputs_before: tuple[str, dict[str, str]] | None,
          changed: list[str] | None, readers: Readers) -> Result | None:
    """Redo in the last build kept in memory what an edit of a few entries
    changes, or None for a full build. The entries are checked again; if
    the edit leaves each in its place (its order, groups, citations,
    links and pictures, and all that planning the pages read), the entry
    is changed in place in the model, the pages whose recorded reads
    (Build.reads) include what changed are rendered again, and the files of
    one piece per entry get its new piece. `inputs_before`: the other
    inputs as found before the last build or patch (other_inputs)."""
    last = project.last
    options = project.options
    if (last is None or last.reads is None or changed is None or options.out_dir is None
            or inputs_before is None or live.inputs is None or inputs_before[0] != live.inputs[0]):
        return None
    t = last.timeline
    rels = [rel for rel in changed if rel != "_index.md"]   # the settings are in the inputs' digest
    if len(rels) > MAX_CHANGED:
        return None
    memory = project.memory
    position = _lookups(live, last).position
    if any(rel not in position for rel in rels):
        return None   # an entry added, removed, left out, or another file of content/
    settings, folders = t.settings, options.folders
    checker = EntryChecker(folders.content, folders.content_shown, settings.timezone, t.sources, readers,
                           memory.salt, None, folders.seeds_shown, settings.language)
    if checker.context != t.context:
        return None
    trust_before = time.time_ns() - CLOCK_TICK_NS
    edits: list[tuple[Entry, Checked, set[str], list[int] | None]] = []
    for rel in rels:
        item = memory.entries.get(rel)
        was = memory.checked(rel, t.context, item[1]) if item else None
        stat = file_stat(os.path.join(folders.content, rel))
        now = checker.check(rel)
        if (was is None or now.entry is None or was.problems.items or now.problems.items
                or now.draft != was.draft or now.depends != was.depends or now.cited != was.cited
                or now.cites != was.cites or any(target not in position for _, target in now.links)):
            return None
        entry = t.entries[position[rel]]
        names = {f.name for f in dataclasses.fields(Entry)
                 if f.name not in _MODEL_MADE and getattr(entry, f.name) != getattr(now.entry, f.name)}
        if names & (_PLACING | last.planned):
            return None
        trusted = stat if stat is not None and stat[1] < trust_before else None
        edits.append((entry, now, names, trusted))
    static_now = inputs_before[1]
    static_changed = sorted(path for path, found in static_now.items() if live.inputs[1].get(path) != found)
    if set(static_now) != set(live.inputs[1]):
        return None   # which static files there are shows in the pages (extra.css)
    try:
        return _patched(project, last, live, edits, static_changed)
    except (ContentError, OSError, ValueError, KeyError, TypeError, IndexError):
        # The model is changed in place: from here only a full build may
        # undo it (it makes the model afresh from the checks).
        project.last = None
        return None


def _lookups(live: Live, last: Build) -> Live:
    """Each entry's place and each job by its path in the last build, made
    once a build: an edit patched in moves no entry and adds no job."""
    if live.looked_up is not last:
        live.position = {e.path: i for i, e in enumerate(last.timeline.entries)}
        live.jobs = {job.path: job for job in last.jobs}
        live.looked_up = last
    return live


def _prepared(live: Live, last: Build) -> None:
    """The files of one piece per entry as their parts, from the Made of
    each that the last build planned."""
    if live.build is last and live.files is not None:
        return
    t = last.timeline
    where = listed_on(split_listing(t.entries, t.settings.page_size, t.language))
    files: dict[str, tuple[EntryFile, Made, list[Joined]]] = {}
    for job in last.jobs:
        data = job.data
        if isinstance(data, Lazy) and data.fn is Made.output:
            made, file, out = data.args
            if isinstance(made, Lazy):
                made = made()
            files.setdefault(file.name, (file, made, []))[2].append(Joined(file, out, made))
    live.files = list(files.values())
    live.shared, live.reads = {}, {}
    for file, made, _ in live.files:
        # What of the entries a file's shared data, head and foot read:
        # made again only after an edit of that.
        with Recorder([Entry]) as recorder:
            shared = file.shared(t, where)
            file.head(t, shared), file.foot(t, shared)
        live.shared[file.name] = (to_json(shared), shared)
        live.reads[file.name] = {name for _, name in recorder.seen}
    live.where, live.build, live.written = where, last, None
    # An edit patched in leaves tags, people, groups and listing pages as they are.
    live.numbers = search_numbers(t, where)


def prepare(project: Project, live: Live) -> None:
    """What patching the first edit into the last build would otherwise
    make then: the files' parts and look-ups, and in this process the
    views and fragments of the pages that read the most entries (the
    workers rendered them), such as embed.html's 10,000 cards. Nothing is
    written or recorded for the pages."""
    last = project.last
    if last is None or last.reads is None or live.prepared is last:
        return
    _prepared(live, last)
    jobs = _lookups(live, last).jobs
    many = max(1, len(last.timeline.entries) // 4)
    renderer = last.renderer
    with Recorder(watched_classes(), each=(Entry,)) as recorder:
        renderer.recorder, renderer.reads_known_but = recorder, set()
        try:
            for path, objects in last.reads.pages.items():
                job = jobs.get(path)
                if job is None or job.template is None or len({oid for oid, _ in objects}) < many:
                    continue
                for value in (job.context or {}).values():
                    if isinstance(value, Lazy):
                        _view(value, set(), recorder, live.views)
                job.bytes(renderer)
                recorder.take()
        finally:
            renderer.recorder, renderer.reads_known_but = None, None
    live.prepared = last


def _patched(project: Project, last: Build, live: Live, edits: list, static_changed: list[str]) -> Result:
    options, memory, renderer = project.options, project.memory, last.renderer
    t = last.timeline
    out_dir = options.out_dir
    assert out_dir is not None and last.reads is not None and live.inputs is not None
    _prepared(live, last)
    assert live.files is not None and live.shared is not None and live.where is not None and live.reads is not None
    searched = {entry.path: search_tokens(entry) for entry, _, _, _ in edits}
    for entry, now, names, _ in edits:
        for name in names:
            setattr(entry, name, getattr(now.entry, name))
        renderer.forget_fragments(entry, names)
    pages: set[str] = set()
    for entry, _, names, _ in edits:
        pages |= last.reads.reading(entry, names)
    changed = set().union(*(names for _, _, names, _ in edits))

    # The pages whose reads include what changed, rendered as the build
    # renders them, their reads recorded again.
    jobs = _lookups(live, last).jobs
    files: dict[str, bytes] = {}
    with Recorder(watched_classes(), each=(Entry,)) as recorder:
        renderer.recorder = recorder
        renderer.reads_known_but = {id(entry) for entry, _, _, _ in edits}
        try:
            for path in sorted(pages):
                job = jobs[path]
                recorder.take()
                for value in (job.context or {}).values():
                    if isinstance(value, Lazy):
                        _view(value, changed, recorder, live.views)
                data = job.bytes(renderer)
                seen, objects = recorder.take()
                # The kept fragments' reads are in its last record (see
                # Renderer.reads_known_but): kept, the new ones added.
                last.reads.record(path, objects | last.reads.pages.get(path, set()))
                if memory.reads is not None and job.template is not None:
                    merge_reads(memory.reads, job.template, seen)
                memory.pages.pop(path, None)   # its key is made anew by the next full build
                if not _same_file(out_dir / path, data):
                    files[path] = data
        finally:
            renderer.recorder, renderer.reads_known_but = None, None

    # The files of one piece per entry: each changed entry's new piece in
    # place of its old one, whatever the file.
    position = live.position
    for file, made, joined in live.files:
        said, shared_data = live.shared[file.name]
        again = bool(changed & live.reads[file.name])
        if again:
            shared_data = file.shared(t, live.where)
            if to_json(shared_data) != said:
                raise ValueError("a file's shared data changed")
        around = Around(t.sources, t.settings, t.language, shared_data, None)
        touched = False
        for entry, _, _, _ in edits:
            i = position[entry.path]
            around.listed = live.where.get(entry.slug)
            piece = file.piece(entry, around)
            if piece != made.pieces[i]:
                made.pieces[i] = piece
                for one in joined:
                    one.replace(i, piece)
                touched = True
        head, foot = (file.head(t, shared_data), file.foot(t, shared_data)) if again else (made.head, made.foot)
        if (head, foot) != (made.head, made.foot):
            made.head, made.foot = head, foot
            for one in joined:
                one.ends(head, foot)
            touched = True
        if touched:
            for one in joined:
                files[one.out.path] = one.data()
    # The split search index holds words by word, not by entry: the shards
    # of the words an edit brought or took away are made again from
    # themselves, and the file of results that shows the entry anew.
    def as_now(path: str) -> bytes:
        return files[path] if path in files else (out_dir / path).read_bytes()

    for entry, _, _, _ in edits:
        i = position[entry.path]
        files.update(patch_word_shards(as_now, i, searched[entry.path], search_tokens(entry), len(t.entries)))
        path, data = search_results_file(t, live.where, live.numbers, i)
        if data != as_now(path):
            files[path] = data
    if static_changed:
        static = {job.path: job for job in static_jobs(options.static, BUNDLED_STATIC, options.static_shown)}
        for path in static_changed:
            copied = static[path].data
            assert isinstance(copied, bytes)   # a static file's job holds its bytes
            files[path] = copied
    written = sorted(files)
    if files:
        spare = project.spare() if project.keep_spare else None
        replace_files(out_dir, files, spare, live.written)
        # The tree swapped out differs from the site in these alone.
        live.written = written if spare is not None else None
    for entry, now, _, trusted in edits:
        memory.keep_checked(entry.path, t.context, now.file_hash, trusted, now)
        if isinstance(memory, BuildCache):
            memory.encoded.pop(entry.path, None)   # saved as the new check, not as the old one's text
    live.inputs = (live.inputs[0], {**live.inputs[1], **{p: file_digest(files[p]) for p in static_changed}})
    rendered = sorted(pages) + [one.out.path for _, _, joined in live.files for one in joined]
    return Result(t, list(last.warnings), len(last.jobs), written, [], quick=True, rendered=rendered,
                  entry_count=len(t.entries), drafts_left_out=t.drafts_left_out)


def _view(lazy: Lazy, changed: set[str], recorder: Recorder, known: "weakref.WeakKeyDictionary[Lazy, Read]") -> bool:
    """Make a page's view (a Lazy of its context) again if what it read of
    the entries when last made includes what changed (or is not known);
    else keep it, its reads counted as read again. True if kept."""
    kept = all([_view(a, changed, recorder, known) for a in lazy.args if isinstance(a, Lazy)])
    read = known.get(lazy)
    if kept and lazy.done and read is not None and not {n for c, n in read[0] if c is Entry} & changed:
        recorder.add(read)
        return True
    outer = recorder.take()
    lazy.value, lazy.done = None, False
    lazy()
    known[lazy] = recorder.resume(outer)
    return False


def _same_file(path: Path, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False
