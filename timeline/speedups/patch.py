"""An edit patched into the last build kept in memory: the live
preview's quick way. A project that stays in memory keeps its last build
(Project.last), with what each of its pages read of which entry
(keys.PageReads). When a few entries change and each stays in its place
(its order, groups, citations, links and pictures: not its date, tags,
people, group or file name), the entry is checked again and changed in
place in the model; the pages whose recorded reads include what changed
are rendered again, their fragments of unchanged entries and their
views that read nothing changed taken as they are; the files of one
piece per entry get its new piece (pieces.Joined); the search's shards
are patched. No manifest and no list of places: the reads say which
pages an edit reaches. Anything else takes the full build, in memory.
`prepare` makes ready, while the preview waits for a save, what the
next patch needs."""

from __future__ import annotations

import dataclasses
import os
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.check import Checked, EntryChecker
from ..read.data import patch_word_shards, search_tokens, to_json
from ..hashing import digest, file_digest
from ..memory import CLOCK_TICK_NS, file_stat
from ..read.entry import Entry
from ..errors import ContentError
from ..render.keys import Read, Recorder, merge_reads, watched_classes
from ..write.output import Spliced, replace_files, static_jobs, walk_tree
from ..project import BUNDLED_STATIC, Build, Options, Project, Result
from ..read.readers import Readers
from ..render.pieces import Around, EntryFile, Joined, Made
from ..render.render import Job, Lazy, search_numbers, search_results_file
from ..render.views import listed_on, split_listing
from .cache import BuildCache
from .quick import MAX_CHANGED

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
    # By the last patch, if it swapped the site: the tree it swapped out (as
    # its folder's device, inode and change time: another process's build,
    # the command's, swaps or repairs it) and the files in which that tree
    # differs from the site.
    written: tuple[tuple[int, int, int], list[str]] | None = None
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


def _tree(folder: Path) -> tuple[int, int, int] | None:
    """Which folder is at this path, as last changed (its device, inode and
    change time: a swap renames it, and repairing it removes files at its
    top, such as timeline.json, first), None if none."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_ctime_ns


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
    files: dict[str, bytes | Spliced] = {}
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

    # Spliced files hold the site's files open: closed whatever happens.
    try:
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
                    files[one.out.path] = _joined_output(out_dir, one)
        # The split search index holds words by word, not by entry: the shards
        # of the words an edit brought or took away are made again from
        # themselves, and the file of results that shows the entry anew.
        def as_now(path: str) -> bytes:
            data = files.get(path)
            if data is None:
                return (out_dir / path).read_bytes()
            return data.data() if isinstance(data, Spliced) else data

        for entry, _, _, _ in edits:
            i = position[entry.path]
            files.update(patch_word_shards(as_now, i, searched[entry.path], search_tokens(entry), len(t.entries)))
            path, data = search_results_file(t, live.where, live.numbers, i)
            if data != as_now(path):
                files[path] = data
        copied: dict[str, bytes] = {}
        if static_changed:
            static = {job.path: job for job in static_jobs(options.static, BUNDLED_STATIC, options.static_shown)}
            for path in static_changed:
                static_data = static[path].data
                assert isinstance(static_data, bytes)   # a static file's job holds its bytes
                files[path] = copied[path] = static_data
        written = sorted(files)
        if files:
            spare = project.spare() if project.keep_spare else None
            kept = live.written
            differs = kept[1] if kept is not None and spare is not None and _tree(spare) == kept[0] else None
            replace_files(out_dir, files, spare, differs)
            # The tree swapped out differs from the site in these alone.
            swapped_out = _tree(spare) if spare is not None else None
            live.written = (swapped_out, written) if swapped_out is not None else None
    finally:
        for made_file in files.values():
            if isinstance(made_file, Spliced):
                made_file.close()
    # Written: the files of one piece per entry are on disk as joined now.
    # (Not written, their changes add up, and the next patch joins them whole.)
    for _, _, joined in live.files:
        for one in joined:
            one.settle()
    for entry, now, _, trusted in edits:
        memory.keep_checked(entry.path, t.context, now.file_hash, trusted, now)
        if isinstance(memory, BuildCache):
            memory.encoded.pop(entry.path, None)   # saved as the new check, not as the old one's text
    live.inputs = (live.inputs[0], {**live.inputs[1], **{p: file_digest(copied[p]) for p in static_changed}})
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


def _joined_output(out_dir: Path, one: Joined) -> bytes | Spliced:
    """A file of one piece per entry, as it now is: where one piece alone
    changed, the file on disk with that piece replaced (output.Spliced),
    so that a large file is neither joined nor written whole; else joined."""
    change = one.one_change()
    if change is not None:
        start, old, new, size = change
        spliced = Spliced.at(out_dir / one.out.path, start, old, new, size)
        if spliced is not None:
            return spliced
    return one.data()


def _same_file(path: Path, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False
