"""Write the site. Nothing touches the output folder until every file is
rendered; then changed files are moved into place and stale ones removed.
Unchanged files are left as they are, their times too."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from .engine import Engine
from .keys import Recorder, Reads, watched_classes, covered, merge_reads
from .memory import Memory, file_stat
from .render import Job, Renderer


def static_jobs(static_dir: Path | None, fallback: Path | None = None) -> list[Job]:
    """Every file under static/, to be copied to site/static/; those of
    `fallback` (the bundled ones) that static/ does not replace too, so
    that a project's own style.css alone does not lose the search script."""
    found: dict[str, Path] = {}
    for folder in (fallback, static_dir):
        if folder is None or not folder.is_dir():
            continue
        for parent, dirs, files in os.walk(folder):
            for name in files:
                full = Path(parent) / name
                found[f"static/{full.relative_to(folder).as_posix()}"] = full
    return [Job(path, data=found[path].read_bytes()) for path in sorted(found)]


def write_site(out_dir: Path | None, jobs: list[Job], renderer: Renderer, engine: Engine, memory: Memory,
               meanwhile: Callable[[], None] | None = None,
               views: Reads | None = None) -> tuple[list[str], list[str], dict[str, list[int] | None]]:
    """Bring out_dir to exactly `jobs`, rendering those `memory` does not
    know to be up to date; with out_dir None, only render every page
    (check: a template error may depend on the data). `meanwhile` is the
    caller's own work, done while the engine renders (see Engine.map).

    With `memory.reads` (a project that builds again in this process),
    what each page read is recorded and added to it; a page that read more
    than its key covered (`views`, what its key was made with) keeps no key.

    Returns (files written, files removed, [size, mtime_ns] of every file),
    the files as paths inside the site."""
    if out_dir is None:
        todo = list(range(len(jobs)))
    else:
        folder = str(out_dir)
        todo = [i for i, job in enumerate(jobs) if not memory.page_unchanged(folder, job.path, job.key)]
    staging = None
    if out_dir is not None:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; it may become the site
    fresh = out_dir is not None and _is_empty(out_dir)
    if staging is not None:
        # Folders made once here, not once per file in the workers.
        for folder in sorted({os.path.dirname(jobs[i].path) for i in todo}):
            os.makedirs(os.path.join(staging, folder), exist_ok=True)
    try:
        # Workers get indices; the jobs themselves reach them by fork.
        # Compiled once here: workers, if the engine has any, inherit them.
        renderer.compile({jobs[i].template for i in todo if jobs[i].template})
        record = watched_classes() if memory.reads is not None else None
        done = engine.map(_render_chunk, (renderer, None if fresh else out_dir, staging, jobs, record), todo,
                          min_items=32, meanwhile=meanwhile)
        changed = [stat for stat, _ in done]
        for i in todo:
            jobs[i].rendered = True
        if memory.reads is not None:
            for i, (_, seen) in zip(todo, done):
                job = jobs[i]
                job.seen = seen
                if seen is None or job.template is None:
                    continue
                merge_reads(memory.reads, job.template, seen)
                if job.key is not None and not covered((views or {}).get(job.template), seen):
                    job.key = None
                    memory.pages.pop(job.path, None)
        if out_dir is None:
            return [], [], {}
        # Every file is rendered and staged: only now does the site change.
        # Moving a file keeps its size and time: those taken as it was
        # written stand (and save stating 10,000 files again).
        written = {jobs[i].path: stat for i, stat in zip(todo, changed) if stat is not None}
        if fresh:
            # A first build: the staged tree is the whole site; move it at once.
            if out_dir.is_dir():
                out_dir.rmdir()
            os.replace(staging, out_dir)
            staging = None
            return list(written), [], _remember(out_dir, jobs, memory, written)
        for rel in written:
            target = out_dir / rel
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        removed = _remove_stale(out_dir, {job.path for job in jobs})
        return list(written), removed, _remember(out_dir, jobs, memory, written)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _render_chunk(state: tuple, indices: Sequence[int]) -> list[tuple[list[int] | None, set | None]]:
    """Render jobs; stage those whose bytes differ from the site's (all of
    them when there is no site yet), giving the [size, mtime_ns] of each
    staged file, None for the others, and with `record` (the classes to
    watch) what each page read. In a worker."""
    renderer, out_dir, staging, jobs, record = state
    out: list[tuple[list[int] | None, set | None]] = []
    if record is None:
        _render_each(renderer, out_dir, staging, jobs, indices, None, out)
        return out
    with Recorder(record) as recorder:
        renderer.recorder = recorder
        try:
            _render_each(renderer, out_dir, staging, jobs, indices, recorder, out)
        finally:
            renderer.recorder = None
    return out


def _render_each(renderer: Renderer, out_dir: Path | None, staging: Path | None, jobs: list[Job],
                 indices: Sequence[int], recorder: Recorder | None,
                 out: list[tuple[list[int] | None, set | None]]) -> None:
    for i in indices:
        job = jobs[i]
        seen = None
        if recorder is not None and job.template is not None:
            seen = recorder.seen = set()
        data = job.bytes(renderer)
        if staging is None or (out_dir is not None and _same(out_dir / job.path, data)):
            out.append((None, seen))
            continue
        with open(os.path.join(staging, job.path), "wb") as f:
            f.write(data)
            f.flush()
            st = os.fstat(f.fileno())
        out.append(([st.st_size, st.st_mtime_ns], seen))


def _is_empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as it:
            return next(it, None) is None
    except FileNotFoundError:
        return True


def _remember(out_dir: Path, jobs: list[Job], memory: Memory,
              known: dict[str, list[int]]) -> dict[str, list[int] | None]:
    """Every file's size and time as written (`known` for those written
    now); the memory keeps those of the files made from a key."""
    stats = {}
    for job in jobs:
        stat = known.get(job.path) or file_stat(os.path.join(out_dir, job.path))
        stats[job.path] = stat
        if job.key is not None and stat is not None:
            memory.keep_page(job.path, [job.key, *stat])
    return stats


def _same(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def _remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    """Remove what the site no longer has: files, then emptied folders."""
    removed = []
    root = str(out_dir)
    for folder, dirs, files in os.walk(root, topdown=False):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in files:
            if prefix + name not in keep:
                os.unlink(os.path.join(folder, name))
                removed.append(prefix + name)
        for name in dirs:
            full = os.path.join(folder, name)
            if os.path.islink(full):
                os.unlink(full)
            elif not os.listdir(full):
                os.rmdir(full)
    return removed
