"""A timeline project and its builds: the pipeline from the folders to the
site, read -> check and verify -> model -> render -> write.

    project = Project(Options(folders, out_dir=Path("site"), ...))
    result = project.build()        # or project.check()
    result = project.rebuild(["content/2022-01-07-arrests.md"])

A Project keeps what its last build made (memory.Memory), so a rebuild
redoes only what the changed files touch. Its engine decides how the work
is done (engine.Engine: in order, in this process; speedups.FastEngine:
the fast readers, a process pool, the build cache and the quick rebuild);
both write the same bytes."""

from __future__ import annotations

import atexit
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .model.assemble import Folders, load_timeline
from .commands.files import finish_writing
from .engine import Engine
from .errors import ContentError, printable
from .hashing import digest
from .render.keys import PageReads
from .memory import Memory
from .model.timeline import Timeline
from .write.output import real_out_dir, refuse_unsafe, remove_spare, site_lock, static_jobs, write_site
from .render.render import BUNDLED_TEMPLATES, Job, Renderer, plan_site

BUNDLED_STATIC = BUNDLED_TEMPLATES.parent / "static"


@dataclass(frozen=True)
class Options:
    """What a build reads and where it writes; `out_dir` None only checks."""

    folders: Folders
    out_dir: Path | None
    templates: Path = BUNDLED_TEMPLATES
    templates_shown: str = "templates"
    static: Path = BUNDLED_STATIC
    static_shown: str = "static"
    drafts: bool = False
    base_url: str | None = None


@dataclass
class Result:
    """What a build did. `problems` are in a stable order (file, line);
    `files` is how many files the site has, `written` and `removed` the
    paths inside it that this build wrote and removed."""

    timeline: Timeline | None    # None: errors, or the engine's quick way did it
    problems: list[ContentError]
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    quick: bool = False          # the engine's quick way did it
    rendered: list[str] = field(default_factory=list)   # the files made (the others were known unchanged)
    entry_count: int = 0
    drafts_left_out: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class OutputError(Exception):
    """The content is fine but the site cannot be written (a full disk, a
    read-only folder)."""

    def __init__(self, path: str, reason: str):
        super().__init__(printable(f"cannot write {path}: {reason}"))


@dataclass
class Build:
    """One build under way: what the engine's hooks are shown. A project
    that builds again in this process keeps its last good one (`Project.last`)
    with what its pages read (`reads`, of every page) and which attributes
    of the entries planning the pages read (`planned`: what places an
    entry and what its pages are given)."""

    project: "Project"
    timeline: Timeline
    renderer: Renderer
    static: list[Job]
    warnings: list[ContentError]
    jobs: list[Job] = field(default_factory=list)
    reads: PageReads | None = None
    planned: frozenset[str] = frozenset()


class Project:
    """The folders of one timeline, and what its last build made."""

    def __init__(self, options: Options, engine: Engine | None = None, waiting: Callable[[], None] | None = None,
                 keep_spare: bool = False, *, lasting: bool = False):
        """`lasting`: the project will build again and again in this
        process (the live preview): its first build already keeps what
        later ones reuse (the pieces of the files of one piece per entry,
        what each page read)."""
        self.options = options
        self.engine = engine or Engine()
        self.waiting = waiting   # told when another build holds the output folder
        # A project that stays in memory (the live preview) keeps the tree
        # each build swaps out, to make the next one from (output.mirror);
        # a one-shot build leaves nothing beside the site but what the
        # quick way keeps (speedups/quick.py).
        self.keep_spare = keep_spare
        self.lasting = lasting
        self._cleanup_registered = False
        self._memory: Memory | None = None
        # The last good build, kept by a lasting project when every page's
        # reads are known (the site on disk is what it made).
        self.last: Build | None = None

    @property
    def memory(self) -> Memory:
        """What the last build made; opened when a full build first needs
        it (the engine's quick way may make do without)."""
        if self._memory is None:
            self._memory = self.engine.open_memory()
            if self.lasting:
                self._memory.pieces, self._memory.reads = {}, {}
        return self._memory

    def spare(self) -> Path | None:
        """Where a tree a build swapped out may be kept, for the next build
        to be made from (output.mirror): `.site.spare` beside the site.
        A project kept in memory removes it as the process ends."""
        out_dir = self.options.out_dir
        if out_dir is None:
            return None
        out_dir = real_out_dir(out_dir)
        spare = out_dir.parent / f".{out_dir.name}.spare"
        if self.keep_spare and not self._cleanup_registered:
            atexit.register(remove_spare, spare)
            self._cleanup_registered = True
        return spare

    def check(self) -> Result:
        """Read, check and render everything; write nothing."""
        return self._build(None)

    def build(self) -> Result:
        """Bring the output folder to what the folders say. A failed build
        leaves it as it was."""
        return self._write(None)

    def rebuild(self, changed: Iterable[str | Path], *, complete: bool = False) -> Result:
        """Build again after these files changed: checks and pages the
        memory holds that they do not touch are reused. `complete`: no
        other file changed since the last build (a watcher saw them all),
        so the engine's quick way need look at no other."""
        content = self.options.folders.content.resolve()
        rels = []
        for path in changed:
            full = Path(path).resolve()
            if full.is_relative_to(content):
                rels.append(full.relative_to(content).as_posix())
                self.memory.distrust(rels[-1])
        return self._write(rels if complete else None)

    def _write(self, changed: list[str] | None) -> Result:
        out_dir = self.options.out_dir
        if out_dir is None:
            return self.check()
        # From before reading to after writing: a build that read older
        # content never writes after one that read newer.
        try:
            with site_lock(out_dir, self.waiting):
                # An import or capture killed midway is carried out before
                # anything is read: a build never sees half of a sheet.
                for folder in (self.options.folders.content, self.options.folders.seeds):
                    finish_writing(folder)
                done = self.engine.shortcut(self, changed)
                if done is not None:
                    return done
                return self._build(out_dir)
        except OSError as exc:
            raise OutputError(str(exc.filename or out_dir), exc.strerror or str(exc)) from None

    def _build(self, out_dir: Path | None) -> Result:
        options, engine, memory = self.options, self.engine, self.memory
        # Kept through a failed build, which leaves the site as it made it.
        last = self.last
        try:
            # Before anything is read: a link out of the project would put
            # any file of the machine in the site (static/ is held so as
            # its files are listed).
            refuse_unsafe(options.folders.content, options.folders.content_shown)
            if options.templates != BUNDLED_TEMPLATES:
                refuse_unsafe(options.templates, options.templates_shown)
        except ContentError as exc:
            return Result(None, [exc])
        renderer = Renderer(options.templates, options.templates_shown, engine.environment)
        # The templates are compiled while the entries are checked: a build
        # without errors needs them next.
        timeline, problems = load_timeline(options.folders, drafts=options.drafts, base_url=options.base_url,
                                           engine=engine, memory=memory, meanwhile=renderer.compile)
        if timeline is None:
            return Result(None, problems.sorted())
        try:
            static = static_jobs(options.static, BUNDLED_STATIC, options.static_shown)
            renderer.use_static(static)
            renderer.use_language(timeline.language)
            base_key = digest(memory.salt, renderer.fingerprint(), repr(timeline.settings), options.drafts,
                              [job.path for job in static], timeline.language.fingerprint)
            # What each template's pages read, as the keys are made with it.
            views = None if memory.reads is None else {t: dict(v) for t, v in memory.reads.items()}
            planned: set[str] | None = set() if memory.reads is not None and out_dir is not None else None
            jobs = plan_site(timeline, base_key, engine.ics_event, memory.pieces, views, planned) + static
            build = Build(self, timeline, renderer, static, problems.sorted(), jobs)
            if out_dir is not None:
                engine.before_writing(build)
            try:
                written, removed, stats = write_site(
                    out_dir, jobs, renderer, engine, memory,
                    meanwhile=(lambda: engine.while_writing(build)) if out_dir is not None else None,
                    spare=self.spare() if out_dir is not None else None, keep_spare=self.keep_spare,
                    views=views,
                    # A lasting project renders every page once, to know what each reads.
                    render_all=planned is not None and (last is None or last.reads is None))
            except BaseException:
                engine.abandon()
                raise
        except ContentError as exc:
            problems.add(exc)
            return Result(None, problems.sorted())
        except OSError as exc:
            raise OutputError(str(exc.filename or out_dir), exc.strerror or str(exc)) from None
        if out_dir is not None:
            if memory.reads is not None and views is not None:
                _finer_keys(jobs, memory, views, timeline, base_key, stats)
            if planned is not None:
                self.last = _kept(build, last, planned)
                if last is not None:   # each build makes a renderer of its own
                    last.renderer.close()
            engine.after_writing(build, stats)
        if memory.pieces is None:
            # The next build in this process keeps its pieces and what its pages read.
            memory.pieces, memory.reads = {}, {}
        return Result(timeline, problems.sorted(), len(jobs), written, removed, entry_count=len(timeline.entries),
                      drafts_left_out=timeline.drafts_left_out, rendered=[j.path for j in jobs if j.rendered])


def _kept(build: Build, last: Build | None, planned: set[str]) -> Build | None:
    """The build with what each page read of which entry: recorded now for
    the pages it rendered, kept from the last build for the others. None
    if a page's reads are not known (it was not rendered while recording)."""
    carried = {job.path for job in build.jobs if job.template is not None and not job.rendered}
    if carried:
        if last is None or last.reads is None or not carried <= last.reads.pages.keys():
            return None
        now = {e.path: id(e) for e in build.timeline.entries}
        ids = {id(e): now[e.path] for e in last.timeline.entries if e.path in now}
        reads = last.reads.carried(carried, ids)
    else:
        reads = PageReads()
    for job in build.jobs:
        if job.template is not None and job.rendered:
            if job.objects is None:
                return None
            reads.record(job.path, job.objects)
    build.reads, build.planned = reads, frozenset(planned)
    return build


def _finer_keys(jobs: list[Job], memory: Memory, views: dict, timeline: Timeline, base_key: str,
                stats: dict[str, list[int] | None]) -> None:
    """Templates whose pages were first seen reading in this build: the
    pages it rendered get their keys made with what they read, so that the
    next build need not render them all again to key them finely. Their
    reads are all in memory.reads, which holds every page of the template
    rendered so far."""
    reads = memory.reads or {}
    new = {t for t in reads if t not in views}
    if not new:
        return
    again = plan_site(timeline, base_key, views={t: dict(v) for t, v in reads.items()})
    for old, job in zip(jobs, again):
        stat = stats.get(job.path)
        if old.template in new and old.seen is not None and job.key is not None and stat is not None:
            memory.keep_page(job.path, [job.key, *stat])
