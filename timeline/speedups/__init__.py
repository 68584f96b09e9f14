"""The speed-ups: the same build as engine.Engine, faster.

Each plugs into one of the pipeline's hooks (see engine.py) and none is
needed to understand it:

- fastyaml.py, simplemd.py: readers of the usual shapes of front matter
  and Markdown, giving the libraries' results without the libraries;
- jinja.py: Jinja's calls and escaping made cheaper, by its public classes;
- ical.py: timeline.ics's events written as the icalendar library writes them;
- parallel.py: a pool of forked processes for checking and rendering;
- cache.py: the memory of the last build saved in a folder (.cache/);
- quick.py: a one-entry edit rebuilt by redoing its few pieces of the site;
- patch.py: in the live preview, an edit patched into the last build kept
  in memory, and what the next patch needs made while it waits for a save.

`FastEngine` puts them together; cli.py uses it unless TIMELINE_REFERENCE=1."""

from __future__ import annotations

import functools
import gc
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..check.check import Checked, EntryChecker
from ..read.data import to_json
from ..engine import Engine
from ..memory import Memory
from ..read.readers import Readers
from ..render.render import entry_files
from . import fastyaml, ical, parallel, patch, quick
from .cache import BuildCache, checked_from_data, checked_to_data, current_salt
from .jinja import CompiledTemplates, FastEnvironment, template_cache_folder
from .simplemd import render_simple

if TYPE_CHECKING:
    from ..project import Build, Project, Result


class FastEngine(Engine):
    """The build cache in `cache_folder` (None: none), `workers` processes."""

    readers = Readers(load_yaml=fastyaml.load, markdown_shortcut=render_simple)
    ics_event = ical.WRITER

    def __init__(self, cache_folder: Path | None, workers: int = 0):
        # One cache of compiled templates for every build this engine runs,
        # and, with a build cache, kept on disk for the next process.
        compiled = CompiledTemplates(template_cache_folder() if cache_folder is not None else None)
        self.environment = functools.partial(FastEnvironment, bytecode_cache=compiled)
        self.cache_folder = cache_folder
        self.watched = quick.Watched()   # what this engine's last quick rebuild left
        self.live = patch.Live()         # what patching a lasting project's last build needs
        self.inputs_read: tuple[str, dict[str, str]] | None = None
        self.workers = workers if workers > 0 else parallel.cores()
        self.cache: BuildCache | None = None
        self.head: str | None = None   # the manifest but its output files, while writing

    def open_memory(self) -> Memory:
        self.cache = BuildCache.open(self.cache_folder)
        return self.cache

    def map(self, task: Callable[[Any, Sequence[Any]], list[Any]], state: Any, items: Sequence[Any], *,
            min_items: int = 64, meanwhile: Callable[[], None] | None = None) -> list[Any]:
        return parallel.run(task, state, items, self.workers, min_items=min_items, meanwhile=meanwhile)

    def check_entries(self, checker: EntryChecker, rels: Sequence[str],
                      meanwhile: Callable[[], None] | None = None) -> list[Checked]:
        assert self.cache is not None
        if self.workers > 1 and len(rels) >= _POOLED:
            # Every process would prepare nearly every source for its
            # look-ups: done once here, the workers have them by fork.
            for source_id in checker.sources:
                checker.archive(source_id)
        done = []
        for item in self.map(_check_encoded, checker, rels, min_items=_POOLED, meanwhile=meanwhile):
            self.cache.encoded[item.checked.path] = item.text
            done.append(item.checked)
        return done

    def shortcut(self, project: "Project", changed: "list[str] | None" = None) -> "Result | None":
        options = project.options
        if options.out_dir is None:
            return None
        if project.lasting:
            # The last build is in memory: an edit is patched into it, or
            # the full build runs (and is kept for the next edit).
            before = patch.other_inputs(options)
            if project.last is not None:
                self.before_writing(None)
            done = patch.patch(project, self.live, before, changed, self.readers)
            if done is None:
                self.inputs_read = before   # by the full build that follows, kept if it succeeds
                # The full build makes the spare its staged tree: failed, it
                # leaves it anything, so the next patch lists it whole (mirror).
                self.live.written = None
            # The manifest's quick way would leave the build kept in memory behind.
            return done
        if self.cache_folder is None:
            return None
        return quick.rebuild(options, self.cache_folder, current_salt(), self.readers, self.environment,
                             self.watched, changed, self.ics_event, project.spare())

    def prepare(self, project: "Project") -> None:
        patch.prepare(project, self.live)

    def before_writing(self, build: "Build | None") -> None:
        self.watched.manifest = None
        if self.cache_folder is not None:
            quick.forget_manifest(self.cache_folder)

    def while_writing(self, build: "Build") -> None:
        """The checked entries' lines of the cache and the manifest's text,
        made while the workers render: neither needs what they make."""
        assert self.cache is not None
        self.cache.begin_save()
        self.head = None
        if self.cache_folder is not None:
            try:
                self.head = _manifest_head(self.cache, build)
            except OSError:
                self.head = None   # no manifest: the next build takes the full way

    def after_writing(self, build: "Build", stats: dict[str, list[int] | None]) -> None:
        assert self.cache is not None
        self.live.inputs, self.inputs_read = self.inputs_read, None
        self.cache.save()
        if self.cache_folder is not None and self.head is not None:
            try:
                quick.save_manifest(self.cache_folder, self.head, stats, _placed(self.cache, build),
                                    [e.path for e in build.timeline.entries])
            except (OSError, TypeError, ValueError):   # the next build takes the full way
                quick.forget_manifest(self.cache_folder)

    def abandon(self) -> None:
        if self.cache is not None:
            self.cache.abandon()


def _placed(cache: BuildCache, build: "Build") -> dict[str, list] | None:
    """The fragments each page of the build holds, as last rendered; None
    if a page's are not known (it was not rendered since they are kept)."""
    placed = {}
    for job in build.jobs:
        if job.template is not None:
            items = cache.placed.get(job.path)
            if items is None:
                return None
            placed[job.path] = items
    return placed


_POOLED = 64   # the fewest entries checked by a pool of processes


class _Encoded:
    """A check on its way back from a worker: it crosses as the cache's
    JSON of it, made anyway (one string, not a tree of small objects), and
    the parent reads it as it reads the cache."""

    def __init__(self, checked: Checked, text: str | None = None):
        self.checked = checked
        self.text = text if text is not None else to_json(checked_to_data(checked))

    def __reduce__(self) -> tuple[Callable[[str, str], _Encoded], tuple[str, str]]:
        return _decode, (self.text, self.checked.file_hash)


def _decode(text: str, file_hash: str) -> _Encoded:
    checked = checked_from_data(json.loads(text))
    checked.file_hash = file_hash
    return _Encoded(checked, text)


def _check_encoded(checker: EntryChecker, rels: Sequence[str]) -> list[_Encoded]:
    # A forked worker runs with the cyclic collector on (templates make
    # cycles); checking makes many objects and no cycles, so it is off
    # while a chunk is checked, as it is in the parent.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [_Encoded(checker.check(rel)) for rel in rels]
    finally:
        if collecting:
            gc.enable()


def _manifest_head(cache: BuildCache, build: "Build") -> str | None:
    """What the next build's quick way needs to know of this one, but the
    output files (see quick.manifest_head); None if there is to be none."""
    files = {}
    depends: dict[str, str] = {}
    for rel, (_, file_hash, stat, checked) in cache.entries.items():
        if not isinstance(checked, Checked):
            return None
        # No entry: a draft with errors, left out (else the build failed).
        files[rel] = [stat, file_hash, checked.entry.outline if checked.entry else None]
        depends.update(checked.depends)
    timeline, options = build.timeline, build.project.options
    return quick.manifest_head(
        cache.salt,
        quick.inputs_digest(options, cache.salt, timeline.settings, timeline.sources, build.renderer, build.static),
        quick.static_digests(build.static), timeline.context, timeline, files, build.warnings,
        quick.depends_records(options.folders.content, depends), entry_files(ical.WRITER),
    )
