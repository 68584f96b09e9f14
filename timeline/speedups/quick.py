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

A project that stays in memory (the live preview) first tries patch.py:
the edit patched into its last build, kept in memory."""

from __future__ import annotations

import json
import mmap
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

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
from ..write.output import Replica, Spliced, replace_files, static_jobs
from ..project import BUNDLED_STATIC, Options, Result
from ..read.readers import Readers
from ..render.pieces import Around, EntryFile
from ..render.render import BUNDLED_TEMPLATES, Job, Renderer, entry_files, entry_page
from ..read.settings import Settings, load_settings
from ..read.sources import Source, load_sources
from ..render.views import listed_on, split_listing
from .cache import cache_line, checked_from_data

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
    # The site's files, as the manifest has them (checked at the end): the site need not be listed again.
    site = _Site(options.out_dir, spare, list(m["pages"]) if said is None else None)
    # Every output file must be as the last build left it, and no other
    # (unless the caller saw every change); else the full build runs.
    out_dir, pages = options.out_dir, m["pages"]
    as_left = None if said is not None else (lambda: _site_as_left(out_dir, pages))
    try:
        if as_left is not None and spare is not None:
            # The new site's tree is begun now, by a process on another
            # core, before anything is known to change: it would be the
            # longest part of an edit begun later, and if nothing changes
            # it is kept as the spare. It is not swapped in unless the
            # site is as left.
            site.begin_replica(as_left)
        return _look(options, cache_folder, salt, readers, watched, said, m, inputs, known, site, as_left,
                     ics_event, trust_before)
    except Exception:
        # A tree still the caller's is kept, for the full build to make its own from.
        site.abandon(keep=True)
        raise
    except BaseException:
        site.abandon()
        raise


def _look(options: Options, cache_folder: Path, salt: str, readers: Readers, watched: Watched | None,
          said: list[str] | None, m: dict, inputs: Inputs, known: dict[str, str], site: "_Site",
          as_left: Callable[[], bool] | None, ics_event: EventWriter, trust_before: int) -> Result:
    """What changed since the manifest was left, and the rest of the quick
    rebuild if only what it handles."""
    if said is None:
        files = scan_entry_files(options.folders.content)
        if len(files) != len(known) or any(rel not in known for rel in files):
            raise _NotQuick("entries added or removed")
    else:
        # The settings (_index.md) are among the inputs, compared in _rebuild.
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
    for job, data_digest in zip(inputs.static, static_digests(inputs.static).values()):
        if data_digest != m["static"][job.path]:
            assert isinstance(job.data, bytes)   # static files are read whole
            site.put(job.path, job.data)
            log.append(["s", job.path, data_digest])
    if not changed:
        if site.replica is None and as_left is not None and not as_left():
            raise _NotQuick("output files changed")
        return _finish(options, cache_folder, m, site, log, [], watched)
    if site.replica is None:
        site.begin_replica(as_left)
    return _changed(options, cache_folder, salt, readers, inputs, m, site, log, changed, files, was, known,
                    order, watched, ics_event, trust_before)


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
    """Every output file as the last build left it, and no other. Each
    folder is listed by its descriptor, so that a file's stat looks up its
    name alone, not its whole path (output.walk_tree lists by path)."""
    seen = 0
    folders = [""]
    while folders:
        prefix = folders.pop()
        fd = os.open(os.path.join(out_dir, prefix), os.O_RDONLY | os.O_DIRECTORY)
        try:
            with os.scandir(fd) as items:
                for item in items:
                    if item.is_dir(follow_symlinks=False):
                        folders.append(prefix + item.name + "/")
                        continue
                    st = item.stat()
                    if pages.get(prefix + item.name) != f"{st.st_size}:{st.st_mtime_ns}":
                        return False
                    seen += 1
        finally:
            os.close(fd)
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
    only to find one piece in it would cost more than the rest. A file's
    first splice is not read whole but looked for through a small buffer
    and written around (output.Spliced): the files of one piece per entry
    are the site's largest."""

    def __init__(self, out_dir: Path, spare: Path | None = None, listing: list[str] | None = None):
        self.out_dir = out_dir
        self.spare = spare
        self.listing = listing   # every file of the site, if known
        self.replica: Replica | None = None
        self.old: dict[str, bytes] = {}
        self.new: dict[str, bytes] = {}
        self.spliced: dict[str, Spliced] = {}
        self.touched: dict[str, None] = {}   # the files above, in the order first met

    def begin_replica(self, check: Callable[[], bool] | None = None) -> None:
        """Begin the new site's tree (output.Replica, with its `check`)
        before knowing what changes."""
        self.replica = Replica(self.out_dir, self.spare, self.listing, check)

    def abandon(self, keep: bool = False) -> None:
        """Give up the new tree: with `keep`, kept as the spare (Replica.abandon)."""
        try:
            if self.replica is not None:
                self.replica.abandon(keep)
                self.replica = None
        finally:
            self._close()

    def _close(self) -> None:
        for spliced in self.spliced.values():
            spliced.close()
        self.spliced.clear()

    def read(self, path: str) -> bytes:
        if path in self.spliced:
            # Changed again: in memory from now on.
            spliced = self.spliced.pop(path)
            try:
                self.old[path] = spliced.old()
                self.new[path] = spliced.data(self.old[path])
            finally:
                spliced.close()
        if path not in self.new:
            with open(self.out_dir / path, "rb") as f:
                self.old[path] = self.new[path] = f.read()
            self.touched[path] = None
        return self.new[path]

    def put(self, path: str, data: bytes) -> None:
        self.read(path)
        self.new[path] = data

    def splice(self, path: str, before: str, after: str, count: int = 1) -> None:
        """Replace `before`, found exactly `count` times."""
        old, new = before.encode("utf-8"), after.encode("utf-8")
        if path not in self.new and path not in self.spliced:
            try:
                self.spliced[path] = Spliced.find(self.out_dir / path, old, new, count)
            except ValueError:
                raise _NotQuick(f"piece not found {count} times in {path}") from None
            self.touched[path] = None
            return
        data = self.read(path)
        if data.count(old) != count:
            raise _NotQuick(f"piece not found {count} times in {path}")
        self.new[path] = data.replace(old, new)

    def commit(self) -> list[str]:
        """Swap in the site with every changed file, all at once, as a
        build does (output.replace_files): killed at any moment, the site
        is the old one or the new one."""
        # A splice always changes its file: a piece is only spliced when it changed.
        files: dict[str, bytes | Spliced] = {p: self.spliced[p] if p in self.spliced else self.new[p]
                                             for p in self.touched if p in self.spliced or self.new[p] != self.old[p]}
        try:
            if files:
                replica, self.replica = self.replica, None
                replace_files(self.out_dir, files, self.spare, listing=self.listing, replica=replica)
            else:
                if self.replica is not None:
                    self.replica.confirm()   # OSError if the site is not as expected
                self.abandon(keep=True)
        finally:
            self._close()
        return list(files)
