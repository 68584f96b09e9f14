"""Write the site, all or nothing. Nothing touches the output folder until
every file is rendered; then the new site is made beside the old one and
swapped in at once.

The new tree is a sibling of the output folder (`.site.staging-*` for
site/): the changed files written there, every unchanged one hard-linked
from the old site (copied where links fail), so that it costs a link a
file, not a copy. Then one rename puts it in place. Where the system can
exchange two folders in one step (Linux's renameat2, macOS's renamex_np)
site/ is at every moment the old tree or the new one, whenever the build
is killed; elsewhere the old tree is moved aside (`.site.old-*`) and the
new one moved in, and a build killed between those two renames is undone
by the next one before anything else. Either way the output folder stays a
real folder (GitHub Pages and people copy it), and unchanged files keep
their inode and time. What a killed build left beside the site is removed
by the next build; builds into one folder take turns (`site_lock`). The
quick rebuild and the live preview keep the tree they swap out
(`.site.spare`) and make the next one from it (`mirror`), so that a
one-page rebuild costs no link per file of the site."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

from ..errors import ContentError
from ..hashing import file_stat
from ..read.entry import Entry
from ..render.keys import Read, Recorder, Reads, watched_classes, covered, merge_reads
from ..render.render import Job, Lazy, Placement, Renderer

if TYPE_CHECKING:  # how the build runs: handed in by the project
    from ..engine import Engine
    from ..memory import Memory


def static_jobs(static_dir: Path | None, fallback: Path | None = None, shown: str = "static") -> list[Job]:
    """Every file under static/, to be copied to site/static/; those of
    `fallback` (the bundled ones) that static/ does not replace too, so
    that a project's own style.css alone does not lose the search script.
    A project's own static/ is first held to `refuse_unsafe`: a link out
    of the project would publish whatever it points at."""
    found: dict[str, Path] = {}
    for folder in (fallback, static_dir):
        if folder is None or not folder.is_dir():
            continue
        if folder is static_dir and folder != fallback:
            refuse_unsafe(folder, shown)
        for parent, dirs, files in os.walk(folder):
            for name in files:
                full = Path(parent) / name
                found[f"static/{full.relative_to(folder).as_posix()}"] = full
    return [Job(path, data=found[path].read_bytes()) for path in sorted(found)]


def refuse_unsafe(folder: Path, shown: str) -> None:
    """Raise a ContentError at the first name under `folder` that is not
    UTF-8 (it could not be named in a page or a message), or the first
    symbolic link (`folder` itself included) that leads out of the
    project: the folder that holds `folder`. Links within it are fine."""
    root = Path(os.path.abspath(folder)).parent.resolve()
    kind = Path(os.path.abspath(shown)).name
    if folder.is_symlink():
        _refuse_link(folder, shown, root, kind)
    folders = [(str(folder), shown)]
    while folders:
        where, where_shown = folders.pop()
        try:
            items = sorted(os.scandir(where), key=lambda item: item.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for item in items:
            item_shown = os.path.join(where_shown, item.name)
            try:
                item.name.encode("utf-8")
            except UnicodeEncodeError:
                raise ContentError(item_shown, 1, "the file name is not UTF-8 (the bytes shown as \\x..): "
                                   "rename it with letters, digits and hyphens") from None
            if item.is_symlink():
                _refuse_link(Path(item.path), item_shown, root, kind)
            elif item.is_dir():
                folders.append((item.path, item_shown))


def _refuse_link(link: Path, shown: str, root: Path, kind: str) -> None:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return   # a link to nothing (an editor's lock file) publishes nothing
    if not target.is_relative_to(root):
        raise ContentError(shown, 1, f"a symbolic link to {target}, outside the {kind} folder and the project: "
                           "copy what it points at into the project instead of linking to it") from None


# ---- the lock and what a killed build left ----

@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done: cleaning up after
    one must not be cut short by the next (a forked worker's, re-raised
    here, may come first)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _beside(out_dir: Path, what: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{what}"


@contextmanager
def site_lock(out_dir: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Held by a build from before it reads to after it writes, so that
    two builds into one folder take turns: the later one waits (told by
    `waiting`), then builds on what the first wrote. The lock file beside
    the site is removed on release; a build that got the lock on a file
    already removed takes it again on the new one."""
    out_dir = real_out_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = _beside(out_dir, "lock")
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None and not told:
                    waiting()
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)
    try:
        with signals_held():
            recover(out_dir)
        yield
    finally:
        with signals_held():
            try:
                os.unlink(path)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def recover(out_dir: Path) -> None:
    """Undo what a killed build left: the old site put back if it was
    moved aside and the new one never moved in, then every staging and
    old tree beside the site removed. Called with the lock held."""
    parent, name = out_dir.parent, out_dir.name
    try:
        items = list(os.scandir(parent))
    except FileNotFoundError:
        return
    olds = sorted((i for i in items if i.name.startswith(f".{name}.old-")),
                  key=lambda i: i.stat(follow_symlinks=False).st_mtime_ns)
    if olds and not os.path.lexists(out_dir):
        os.rename(olds[-1].path, out_dir)
        olds.pop()
    for item in items:
        # ".staging-*": where builds before this scheme staged, left by killed ones.
        # A spare is kept: any state of it is repaired before use (mirror).
        if item.name.startswith((f".{name}.staging-", f".{name}.old-", ".staging-")) and os.path.lexists(item.path):
            _remove_tree(item.path)


def remove_spare(spare: Path) -> None:
    """Remove a kept tree (as the process that kept it ends)."""
    if os.path.lexists(spare):
        _remove_tree(str(spare))


def _remove_tree(path: str) -> None:
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


# ---- writing ----

def write_site(out_dir: Path | None, jobs: list[Job], renderer: Renderer, engine: Engine, memory: Memory,
               meanwhile: Callable[[], None] | None = None, spare: Path | None = None,
               keep_spare: bool = False, views: Reads | None = None,
               render_all: bool = False) -> tuple[list[str], list[str], dict[str, list[int] | None]]:
    """Bring out_dir to exactly `jobs`, rendering those `memory` does not
    know to be up to date; with out_dir None, only render every page
    (check: a template error may depend on the data). `meanwhile` is the
    caller's own work, done while the engine renders (see Engine.map).
    `spare`: a tree an earlier build swapped out, made the new one if it
    is there (see `mirror`); with `keep_spare`, the tree this build swaps
    out is kept there, else nothing is left beside the site.

    With `memory.reads` (a project that builds again in this process),
    what each page read is recorded and added to it; a page that read more
    than its key covered (`views`, what its key was made with) keeps no key.
    `render_all`: render every page, even those known unchanged (to record
    what each reads); files whose bytes are unchanged are still left as
    they are.

    Returns (files written, files removed, [size, mtime_ns] of every file),
    the files as paths inside the site."""
    if out_dir is None:
        todo = list(range(len(jobs)))
    else:
        out_dir = real_out_dir(out_dir)
        folder = str(out_dir)
        todo = [i for i, job in enumerate(jobs) if render_all or not memory.page_unchanged(folder, job.path, job.key)]
    staging: Path | None = None
    fresh = out_dir is not None and _is_empty(out_dir)
    mirrored = False
    try:
        if out_dir is not None:
            staging = mirror(out_dir, spare) if spare is not None and not fresh else None
            mirrored = staging is not None
            if staging is None:
                staging = new_staging(out_dir)
                os.mkdir(staging)
            else:
                _remove_making(staging)   # what a failed build left: each process's folder starts empty
            # Folders made once here, not once per file in the workers.
            for folder in sorted({os.path.dirname(jobs[i].path) for i in todo}):
                os.makedirs(os.path.join(staging, folder), exist_ok=True)
        # Workers get indices; the jobs themselves reach them by fork.
        # Compiled once here: workers, if the engine has any, inherit them.
        renderer.compile({template for i in todo if (template := jobs[i].template)})
        record = watched_classes() if memory.reads is not None else None
        groups = together(jobs, todo)
        todo = [i for group in groups for i in group]
        # The fragments each page holds, where a store keeps them for the next run (Memory.keeps_placed).
        placing = staging is not None and memory.keeps_placed
        done = [result for group in engine.map(_render_chunk, (renderer, None if fresh else out_dir, staging, jobs,
                                                               record, placing),
                                               groups, min_items=32, meanwhile=meanwhile)
                for result in group]
        changed = [stat for stat, _, _ in done]
        for i, (_, _, placed) in zip(todo, done):
            jobs[i].rendered = True
            if placed is not None:
                memory.keep_placed(jobs[i].path, placed)
        if memory.reads is not None:
            for i, (_, read, _) in zip(todo, done):
                job = jobs[i]
                if read is None or job.template is None:
                    continue
                seen, job.objects = read
                job.seen = seen
                merge_reads(memory.reads, job.template, seen)
                if job.key is not None and not covered((views or {}).get(job.template), seen):
                    job.key = None
                    memory.pages.pop(job.path, None)
        if out_dir is None or staging is None:
            return [], [], {}
        _remove_making(staging)
        # Every file is rendered and staged: only now is the site made.
        # Moving a file keeps its size and time: those taken as it was
        # written stand (and save stating 10,000 files again).
        written = {jobs[i].path: stat for i, stat in zip(todo, changed) if stat is not None}
        wanted = {job.path for job in jobs}
        removed = [] if fresh else sorted(set(site_files(out_dir)) - wanted)
        if mirrored:
            _remove_stale(staging, wanted)
        else:
            link_unchanged(out_dir, staging, [job.path for job in jobs if job.path not in written])
        swap_in(staging, out_dir, spare if keep_spare else None)
        return list(written), removed, _remember(out_dir, jobs, memory, written)
    finally:
        with signals_held():
            if staging is not None and not mirrored and os.path.lexists(staging):
                _remove_tree(str(staging))
            if spare is not None and not keep_spare and os.path.lexists(spare):
                _remove_tree(str(spare))


def real_out_dir(out_dir: Path) -> Path:
    """The folder written: where a link named as the output folder leads
    (the link stays; the folder it names is swapped)."""
    return out_dir.resolve() if out_dir.is_symlink() else out_dir


def new_staging(out_dir: Path) -> Path:
    """A name beside the site for its next version. The caller holds the
    name before the folder is made (`os.mkdir`), so that whatever stops
    it in between, its cleanup knows what to remove."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return out_dir.parent / f".{out_dir.name}.staging-{secrets.token_hex(6)}"


def replace_files(out_dir: Path, files: Mapping[str, bytes | Spliced], spare: Path | None = None,
                  differs: list[str] | None = None, listing: list[str] | None = None,
                  replica: Replica | None = None) -> dict[str, list[int]]:
    """The site as it is but for these files (paths inside it -> their
    bytes, or the old file Spliced),
    swapped in whole like a build's; returns each written file's
    [size, mtime_ns]. The tree swapped out is kept at `spare`, and made
    the next one from (write_site's `keep_spare`): rebuilds of a page or
    two, one after another, then cost no link per file of the site.
    `differs`: the only files in which `spare` differs from the site, when
    the caller knows them (the files the last replace_files of this site
    wrote): then only those are linked anew, neither tree listed.
    `listing`: every file of the site, when the caller has just seen them.
    `replica`: the tree to make the new site from, begun by the caller."""
    out_dir = real_out_dir(out_dir)
    staging: Path | None = None
    mirrored = swapped = False
    try:
        if replica is not None:
            staging = replica.finish()
            mirrored = True   # a whole replica: nothing more to link
        elif spare is None:
            staging = None
        elif differs is not None:
            staging = _repaired(out_dir, spare, differs)
        else:
            staging = mirror(out_dir, spare)
        if replica is None:
            mirrored = staging is not None
        if staging is None:
            staging = new_staging(out_dir)
            os.mkdir(staging)
        for folder in sorted({os.path.dirname(path) for path in files}):
            os.makedirs(staging / folder, exist_ok=True)
        # Written by two threads: the system copies large files (a timeline's
        # JSON, its exports) into place with the interpreter's lock let go.
        with ThreadPoolExecutor(2) as pool:
            written = pool.map(lambda item: _write_new(str(staging / item[0]), item[1]), files.items())
            stats = dict(zip(files, written))
        if not mirrored:
            link_unchanged(out_dir, staging, [p for p in (site_files(out_dir) if listing is None else listing)
                                              if p not in files])
        swap_in(staging, out_dir, spare)
        swapped = True
        return stats
    finally:
        if replica is not None and not swapped:
            replica.abandon()
        with signals_held():
            if staging is not None and not mirrored and os.path.lexists(staging):
                _remove_tree(str(staging))


# The replica's child exits so when its `check` fails.
_NOT_AS_EXPECTED = 3


class Replica:
    """A replica of the site, made beside it by a child process while the
    caller works out what to change (the quick rebuild): the link per
    file, which the one-shot quick rebuild cannot avoid, is then paid on
    another core. It is made in the spare tree a build swapped out, if
    there is one (`mirror`), else in a new staged tree. `finish` gives the
    tree, to be passed to replace_files; `abandon` stops the child and
    removes a staged tree, or keeps it as the spare (a spare is left
    either way, for `mirror` to repair). Where the system cannot fork,
    the tree is made when finished. `check`, if given, tells whether the
    site is as the caller expects, or OSError is raised (by `confirm`,
    and by `finish`, which confirms first): the child looks once it has
    repaired the spare (a listing of two trees, less work than the
    caller's); in a new tree, which the child links file by file, the
    caller looks, as late as it can, while the child still links."""

    def __init__(self, out_dir: Path, spare: Path | None, listing: list[str] | None,
                 check: Callable[[], bool] | None = None) -> None:
        self.out_dir = real_out_dir(out_dir)
        self.spare = spare
        self.listing = listing
        self.check = check
        self.pid = 0
        self.reaped = self.made = self.confirmed = False
        self.looked = False        # the child looked at the site
        self.unexpected = False    # the site is not as expected: every later `confirm` says so
        self.broken: OSError | None = None   # the tree could not be made: raised by every later `finish`
        # Ctrl-C and SIGTERM wait until the child is known, so that `abandon` can stop it.
        try:
            with signals_held():
                if spare is not None and spare.is_dir() and not spare.is_symlink():
                    self.staging, self.in_spare = spare, True
                else:
                    self.staging, self.in_spare = new_staging(self.out_dir), False
                    os.mkdir(self.staging)
                self.child_checks = check is not None and self.in_spare
                if hasattr(os, "fork"):
                    try:
                        self.pid = os.fork()
                    except OSError:
                        self.pid = -1   # no child: made when finished
                    if self.pid == 0:
                        self._child()
                    self.pid = max(self.pid, 0)
                self.child_checks = self.child_checks and self.pid != 0
        except BaseException:
            # A signal held meanwhile is raised as the block ends, before the
            # caller holds the replica to abandon: abandoned here.
            if hasattr(self, "staging"):
                self.abandon()
            raise

    def _child(self) -> None:
        status = 1
        try:
            # Stopped with the parent's group, quietly: the parent cleans up.
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            if hasattr(signal, "pthread_sigmask"):
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
            self._make()
            status = 0 if not self.child_checks or self.check is None or self.check() else _NOT_AS_EXPECTED
        finally:
            os._exit(status)

    def _make(self) -> None:
        if self.in_spare and mirror(self.out_dir, self.staging) is not None:
            return
        os.makedirs(self.staging, exist_ok=True)   # a spare that could not be repaired is made anew
        listing = site_files(self.out_dir) if self.listing is None else self.listing
        link_unchanged(self.out_dir, self.staging, listing)

    def confirm(self) -> None:
        """OSError unless the site is as the caller expects (see `check`);
        where the child looks, this waits for it, and looks here if the
        child ended before it could."""
        if not self.confirmed:
            if self.child_checks:
                self._wait()
            if not self.looked and self.check is not None and not self.check():
                self.unexpected = True
            self.confirmed = True
        if self.unexpected:
            raise OSError(f"the site at {self.out_dir} is not as expected")

    def finish(self) -> Path:
        """The replica, once made; OSError if it could not be, or if the
        site is not as expected."""
        self.confirm()
        self._wait()
        if self.broken is not None:
            raise self.broken
        return self.staging

    def _wait(self) -> None:
        if self.pid and not self.reaped:
            _, status = os.waitpid(self.pid, 0)
            self.reaped = True
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            self.looked = self.child_checks and code in (0, _NOT_AS_EXPECTED)
            self.unexpected = self.unexpected or (self.looked and code == _NOT_AS_EXPECTED)
            self.made = code in (0, _NOT_AS_EXPECTED)
            if not self.made:
                self.broken = OSError(f"the replica of the site at {self.staging} was not made")
        elif not self.pid and not self.made and self.broken is None:
            self._make()
            self.made = True

    def abandon(self, keep: bool = False) -> None:
        """Stop the child if it still works. A new tree is removed, or with
        `keep` made the spare (if there is none), however far its child
        got: the next build repairs it (`mirror`), linking only what it lacks,
        and removing this one now would cost as much as its links did."""
        with signals_held():
            if self.pid and not self.reaped:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass   # reaped already, by a wait a signal cut short before it was noted
                self.reaped = True
            if not self.in_spare and os.path.lexists(self.staging):
                if keep and self.spare is not None and not os.path.lexists(self.spare):
                    os.rename(self.staging, self.spare)
                    self.staging, self.in_spare = self.spare, True
                else:
                    _remove_tree(str(self.staging))


def _repaired(out_dir: Path, spare: Path, paths: list[str]) -> Path | None:
    """The spare made a replica of the site again where it is known to
    differ; None if it cannot be (it is then removed)."""
    if not spare.is_dir() or spare.is_symlink():
        return None
    try:
        for path in paths:
            target = os.path.join(spare, path)
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            os.link(os.path.join(out_dir, path), target)
    except OSError:
        with signals_held():
            _remove_tree(str(spare))
        return None
    return spare


def mirror(out_dir: Path, spare: Path) -> Path | None:
    """The tree a build swapped out, kept at `spare` (hard links to the
    same files as the site but those that build changed), made a replica
    of the site again: the files whose inode differs linked anew, the
    others left. This costs a listing of both trees instead of a link per
    file, which a one-page rebuild of a large site would otherwise pay
    (and removing the old tree as much again). None where there is no
    spare, or it cannot be repaired (it is then removed)."""
    if not spare.is_dir() or spare.is_symlink():
        return None
    try:
        site_dirs, site = _inodes(out_dir)
        spare_dirs, mine = _inodes(spare)
        for path, inode in mine.items():
            if site.get(path) != inode:
                os.unlink(os.path.join(spare, path))
        for folder in sorted(site_dirs - spare_dirs):
            os.makedirs(os.path.join(spare, folder), exist_ok=True)
        link_unchanged(out_dir, spare, [path for path, inode in site.items() if mine.get(path) != inode])
        for folder in sorted(spare_dirs - site_dirs, reverse=True):
            os.rmdir(os.path.join(spare, folder))
    except OSError:
        with signals_held():
            _remove_tree(str(spare))
        return None
    return spare


def walk_tree(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every entry of a tree, folders included (never followed through a
    link), with its path relative to `root`; lazily, so that a caller may
    stop at the first that tells it enough."""
    folders = [(str(root), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as it:
            for item in it:
                if item.is_dir(follow_symlinks=False):
                    folders.append((item.path, prefix + item.name + "/"))
                yield prefix + item.name, item


def _inodes(root: Path) -> tuple[set[str], dict[str, int]]:
    """The folders of a tree, and its files (links not followed) with their
    inode numbers, which listing a folder gives without a call per file."""
    dirs: set[str] = set()
    files: dict[str, int] = {}
    for path, item in walk_tree(root):
        if item.is_dir(follow_symlinks=False):
            dirs.add(path)
        elif not item.is_symlink():
            files[path] = item.inode()
    return dirs, files


def _remove_stale(root: Path, keep: set[str]) -> None:
    """Remove from a staged tree what the site no longer has: files, then
    emptied folders."""
    for folder, dirs, files in os.walk(root, topdown=False):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in files:
            if prefix + name not in keep:
                os.unlink(os.path.join(folder, name))
        for name in dirs:
            full = os.path.join(folder, name)
            if os.path.islink(full):
                os.unlink(full)
            elif not os.listdir(full):
                os.rmdir(full)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_new(path: str, data: bytes | Spliced) -> list[int]:
    """Write a file as a new file: where a staged tree holds a link to the
    site's own file, that link is replaced, never written through."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return _write_fd(os.open(path, _NEW_FILE, 0o666), data)


def _write_fd(fd: int, data: bytes | Spliced) -> list[int]:
    # Written by the descriptor: a file object's buffer would only copy the
    # page, which is written whole.
    try:
        if isinstance(data, Spliced):
            data.write_to(fd)
        else:
            _write_all(fd, data)
        st = os.fstat(fd)
    finally:
        os.close(fd)
    return [st.st_size, st.st_mtime_ns]


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Spliced:
    """A file of the site with pieces of it replaced, written without
    reading it whole: the spans around the pieces are copied from the old
    file to the new one by the system (copy_file_range; where the system
    refuses, through a small buffer). A one-entry edit changes a piece of
    each file that holds one per entry (a timeline's JSON, the exports),
    files of many megabytes; reading one, making the new one in memory
    and writing it costs most of such a rebuild, and its memory is fresh
    memory, which a virtual machine's host may be slow to give.

    `find` opens the old file and looks for the piece; the file stays open
    until `close`, so that what is copied is what was searched (a file
    replaced at its path meanwhile is not seen). If the open file is
    changed in place meanwhile (its size or time), `write_to` and `data`
    raise OSError."""

    # What is read at a time while looking: a buffer used again and again.
    STEP = 1 << 20

    def __init__(self, path: Path) -> None:
        self.source = open(path, "rb", buffering=0)
        self.stat = self._stat()
        self.cuts: list[tuple[int, int, bytes]] = []   # (start, end, new bytes), in order, apart

    @classmethod
    def find(cls, path: Path, before: bytes, after: bytes, count: int) -> Spliced:
        """The file at `path` with `before` replaced by `after`; ValueError
        unless `before` is found exactly `count` times (without overlapping,
        as bytes.replace finds them)."""
        spliced = cls(path)
        try:
            found = spliced._occurrences(before, count)
            if len(found) != count:
                raise ValueError(f"piece found {len(found)} times in {path}, not {count}")
        except BaseException:
            spliced.close()
            raise
        spliced.cuts = [(start, start + len(before), after) for start in found]
        return spliced

    @classmethod
    def at(cls, path: Path, start: int, before: bytes, after: bytes, size: int) -> Spliced | None:
        """The file at `path` with `before`, found at `start`, replaced by
        `after`; None unless the file is `size` bytes long and holds
        `before` there (the caller's idea of the file is then not what is
        on disk)."""
        try:
            spliced = cls(path)
        except OSError:
            return None
        try:
            spliced.source.seek(start)
            if spliced.size == size and spliced.source.read(len(before)) == before:
                spliced.cuts = [(start, start + len(before), after)]
                return spliced
        except BaseException:
            spliced.close()
            raise
        spliced.close()
        return None

    def _occurrences(self, needle: bytes, most: int) -> list[int]:
        """Where `needle` begins in the file, at most most + 1 times."""
        if not needle:
            raise ValueError("an empty piece")
        width = self.STEP + len(needle) - 1   # windows overlap by all but a byte of the needle
        buffer = bytearray(width)
        found: list[int] = []
        start = 0     # the window's place in the file
        after = 0     # where the next occurrence may begin
        while len(found) <= most:
            self.source.seek(start)
            got = self.source.readinto(buffer) or 0
            # An occurrence across the window's end is found whole in the next
            # one; `after` keeps one found in both from being taken twice.
            i = buffer.find(needle, max(after - start, 0), got)
            while i >= 0 and len(found) <= most:
                found.append(start + i)
                after = start + i + len(needle)
                i = buffer.find(needle, i + len(needle), got)
            if got < width:
                break
            start += self.STEP
        return found

    @property
    def size(self) -> int:
        """The old file's size when it was opened."""
        return self.stat[0]

    def _stat(self) -> tuple[int, int]:
        st = os.fstat(self.source.fileno())
        return st.st_size, st.st_mtime_ns

    def _unchanged(self) -> None:
        if self._stat() != self.stat:
            raise OSError(f"{self.source.name} changed while it was copied")

    def old(self) -> bytes:
        """The old file's bytes, read whole."""
        self.source.seek(0)
        data = self.source.read()
        self._unchanged()
        return data

    def data(self, old: bytes | None = None) -> bytes:
        """The new file's bytes, made whole (for the rare caller that needs
        them) from the old file's (`old`, read here if not given)."""
        old = self.old() if old is None else old
        parts, at = [], 0
        for start, end, new in self.cuts:
            parts += [old[at:start], new]
            at = end
        parts.append(old[at:])
        return b"".join(parts)

    def write_to(self, fd: int) -> None:
        at = 0
        source = self.source.fileno()
        for start, end, new in self.cuts:
            _copy_span(source, fd, at, start - at)
            _write_all(fd, new)
            at = end
        _copy_span(source, fd, at, self.size - at)
        self._unchanged()

    def close(self) -> None:
        self.source.close()


def _copy_span(source: int, target: int, offset: int, length: int) -> None:
    """Copy `length` bytes at `offset` of `source` to where `target` is."""
    while length > 0:
        try:
            done = os.copy_file_range(source, target, length, offset)
        except (AttributeError, OSError):
            # No such call here, or not between these files: by a buffer.
            os.lseek(source, offset, os.SEEK_SET)
            done = len(chunk := os.read(source, min(length, Spliced.STEP)))
            _write_all(target, chunk)
        if done == 0:
            raise OSError("the file was shorter than when it was searched")
        offset += done
        length -= done


# A process's own folder in a staged tree, where it makes its files before
# moving each into place (_write_moved).
_MAKING = ".making-"


def _write_moved(path: str, data: bytes, making: str, name: str) -> list[int]:
    """Write a file as a new file, made as `name` in `making` (a folder of
    this process's own in the staged tree) and moved to `path`, where it
    replaces whatever is there (a link to the site's own file is replaced,
    never written through).

    A file system holds a folder's lock for the whole of making a file in
    it, and making one can be slow: ext4 without a journal walks the free
    inodes it would rather not reuse yet, thousands of them after a site
    was deleted. Two processes making the entries' pages in entries/ would
    take turns at its lock, the waiting one spinning; each making them in
    its own folder, they work side by side, and a move holds the lock
    only briefly (bench/README.md)."""
    made = os.path.join(making, name)
    stat = _write_fd(os.open(made, _NEW_FILE, 0o666), data)
    os.rename(made, path)
    return stat


def _remove_making(staging: Path) -> None:
    """The processes' own folders (_write_moved), empty once all is moved,
    or holding what a failed write left."""
    with os.scandir(staging) as items:
        for item in items:
            if item.name.startswith(_MAKING) and item.is_dir(follow_symlinks=False):
                _remove_tree(item.path)


def site_files(out_dir: Path) -> list[str]:
    """Every file of the site, as paths inside it with '/'."""
    out: list[str] = []
    folders = [(str(out_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            items = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for item in items:
            if item.is_dir(follow_symlinks=False):
                folders.append((item.path, prefix + item.name + "/"))
            else:
                out.append(prefix + item.name)
    return out


def link_unchanged(out_dir: Path, staging: Path, paths: list[str]) -> None:
    """Each of these files of the site into the staged tree: a hard link
    (the same file, its time kept), or a copy where the system refuses
    one. A symbolic link is linked as itself, never followed. Linked
    folder by folder, each named once (a site is mostly a few large
    folders, and the system then looks up one name per file, not a path)."""
    by_folder: dict[str, list[str]] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    can_link = True
    for folder, names in by_folder.items():
        source_dir = os.path.join(out_dir, folder)
        target_dir = os.path.join(staging, folder)
        os.makedirs(target_dir, exist_ok=True)
        source_fd = os.open(source_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            target_fd = os.open(target_dir, os.O_RDONLY | os.O_DIRECTORY)
            try:
                for name in names:
                    if can_link:
                        try:
                            os.link(name, name, src_dir_fd=source_fd, dst_dir_fd=target_fd, follow_symlinks=False)
                            continue
                        except FileExistsError:
                            continue
                        except OSError as exc:
                            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
                                raise
                            can_link = exc.errno == errno.EMLINK
                    shutil.copy2(os.path.join(source_dir, name), os.path.join(target_dir, name), follow_symlinks=False)
            finally:
                os.close(target_fd)
        finally:
            os.close(source_fd)


def swap_in(staging: Path, out_dir: Path, spare: Path | None = None) -> None:
    """Put the staged tree in the output folder's place, in one step where
    the system can; the old tree is then kept at `spare`, or removed."""
    with signals_held():
        if not os.path.lexists(out_dir):
            os.rename(staging, out_dir)
            return
        if not _exchange(staging, out_dir):
            # Two renames; the next build puts the old tree back if killed
            # between them (recover).
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rmdir(old)
            os.rename(out_dir, old)
            os.rename(staging, out_dir)
            os.rename(old, staging)
        if spare is None:
            _remove_tree(str(staging))
        elif staging != spare:
            if os.path.lexists(spare):
                _remove_tree(str(spare))
            os.rename(staging, spare)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if sys.platform.startswith("linux"):
            call = libc.renameat2
            call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            at_fdcwd, rename_exchange = -100, 2
            done = call(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
        elif sys.platform == "darwin":
            call = libc.renamex_np
            call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
            rename_swap = 2
            done = call(os.fsencode(a), os.fsencode(b), rename_swap)
        else:
            return False
    except (AttributeError, OSError):
        return False
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False   # the file system cannot: the two renames do it
    raise OSError(code, os.strerror(code), str(b))


def together(jobs: list[Job], todo: list[int]) -> list[list[int]]:
    """The jobs to do in groups that one process does: jobs whose bytes are
    made from one lazily made value (the outputs of one file of a piece per
    entry, such as timelinejs.json and timelinejs.js) are done together, so
    that the value is made once, not once in each process.

    The costliest groups come first (`_weight`), the rest in the order of
    `todo`: the pool hands out its work in this order, and a long job
    taken last (embed.html, the search's files) would keep one process
    busy while the others idle; begun first, the short ones fill in
    around it."""
    groups: list[list[int]] = []
    shared: dict[int, list[int]] = {}
    for i in todo:
        data = jobs[i].data
        made = next((a for a in data.args if isinstance(a, Lazy)), None) if isinstance(data, Lazy) else None
        if made is None:
            groups.append([i])
        elif id(made) in shared:
            shared[id(made)].append(i)
        else:
            groups.append(shared.setdefault(id(made), [i]))
    weights = [_weight(jobs, group) for group in groups]
    order = sorted(range(len(groups)), key=lambda g: -weights[g])
    return [groups[g] for g in order]


_WHOLE = 1 << 30   # a file made from every entry at once: before any page


def _weight(jobs: list[Job], group: list[int]) -> int:
    """A guess at what a group costs, good enough to order them: files
    made from a shared lazily made value are the site's whole-timeline
    files, the more of them the costlier (each new file costs the system
    more than a small page costs us: the search's thousands come first);
    a page costs about as much as the longest list it is given shows
    (embed.html every entry, an entry's page one). Only the order of the
    heavy few matters, so the guess stays this coarse."""
    if len(group) > 1 or isinstance(jobs[group[0]].data, Lazy) and any(
            isinstance(a, Lazy) for a in jobs[group[0]].data.args):   # type: ignore[union-attr]
        return _WHOLE + len(group)
    context = jobs[group[0]].context
    if not context:
        return 0
    return max((len(v) for v in context.values() if isinstance(v, list)), default=0)


Rendered = tuple[list[int] | None, Read | None, list[Placement] | None]


def _render_chunk(state: tuple, groups: Sequence[list[int]]) -> list[list[Rendered]]:
    """Render groups of jobs (see `together`); stage those whose bytes
    differ from the site's (all of them when there is no site yet), giving
    for each job the [size, mtime_ns] of its staged file, None for the
    others, with `record` (the classes to watch) what each page read, and
    with `placing` the entries' fragments each page holds (Renderer.placed).
    In a worker."""
    renderer, out_dir, staging, jobs, record, placing = state
    indices = [i for group in groups for i in group]
    out: list[Rendered] = []
    if record is None:
        _render_each(renderer, out_dir, staging, jobs, indices, None, placing, out)
    else:
        with Recorder(record, each=(Entry,)) as recorder:
            renderer.recorder = recorder
            try:
                _render_each(renderer, out_dir, staging, jobs, indices, recorder, placing, out)
            finally:
                renderer.recorder = None
    results = iter(out)
    return [[next(results) for _ in group] for group in groups]


def _render_each(renderer: Renderer, out_dir: Path | None, staging: Path | None, jobs: list[Job],
                 indices: Sequence[int], recorder: Recorder | None, placing: bool,
                 out: list[Rendered]) -> None:
    making = None
    for i in indices:
        job = jobs[i]
        seen = placed = None
        if job.template is not None:
            if recorder is not None:
                recorder.take()
            if placing:
                placed = renderer.placed = []
        try:
            data = job.bytes(renderer)
        finally:
            renderer.placed = None
        if recorder is not None and job.template is not None:
            seen = recorder.take()
        if staging is None or (out_dir is not None and _same(out_dir / job.path, data)):
            out.append((None, seen, placed))
            continue
        if making is None:
            making = os.path.join(staging, f"{_MAKING}{os.getpid()}")
            os.makedirs(making, exist_ok=True)
        out.append((_write_moved(os.path.join(staging, job.path), data, making, str(i)), seen, placed))


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
