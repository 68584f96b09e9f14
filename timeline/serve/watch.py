"""Which files the preview watches, and their changes in batches.

watchfiles (Rust's notify: inotify here) sees a save by rename, by
truncate-and-write and by several quick writes; changes that come within
STEP_MS of each other are one batch, so that a save is built once.

Its RustNotify is used directly, not through `watchfiles.watch`: that
generator starts watching only when first asked for a change, and a save
made while the first build runs would be missed. RustNotify watches from
the moment it is made (requirements.txt pins the version for this)."""

from __future__ import annotations

from pathlib import Path
from threading import Event
from typing import Iterator

import watchfiles
from watchfiles._rust_notify import RustNotify

from ..project import BUNDLED_STATIC, BUNDLED_TEMPLATES, Options

# A batch ends when a step passes with nothing new: an editor's save (a
# temporary file, then a rename) is well within it. The watcher wakes once
# a step while idle, to see whether it should stop.
STEP_MS = 20
# However busy the folder, a batch is built by this time.
DEBOUNCE_MS = 500
POLL_MS = 250
WAIT_MS = 0          # no time-out: wait for a change or the stop


def watched_folders(options: Options) -> list[Path]:
    """Content (with _index.md), seeds, the project's catalogues (i18n/
    beside the content folder), and the templates and static files when
    the project has its own."""
    folders = [options.folders.content, options.folders.seeds, options.folders.content.parent / "i18n"]
    for folder, bundled in ((options.templates, BUNDLED_TEMPLATES), (options.static, BUNDLED_STATIC)):
        if folder.resolve() != bundled.resolve():
            folders.append(folder)
    return [folder for folder in folders if folder.is_dir()]


class Watcher:
    """Watches `folders` from the moment it is made; never `ignored`
    (the output folder and the cache, which the build itself writes)."""

    def __init__(self, folders: list[Path], ignored: list[Path], poll: bool = False):
        self.ignored = [str(path.resolve()) for path in ignored]
        self.keep = watchfiles.DefaultFilter()   # leaves out editors' swap files, .git and the like
        self.notify = RustNotify([str(folder) for folder in folders], False, poll, POLL_MS, True, False)

    def _wanted(self, change: int, path: str) -> bool:
        resolved = str(Path(path).resolve())
        if any(resolved == folder or resolved.startswith(folder + "/") for folder in self.ignored):
            return False
        return self.keep(watchfiles.Change(change), path)

    def batches(self, stop: Event) -> Iterator[list[Path]]:
        """The changed paths, a batch at a time, until `stop` is set."""
        try:
            while True:
                raw = self.notify.watch(DEBOUNCE_MS, STEP_MS, WAIT_MS, stop)
                if raw == "timeout":
                    continue
                if isinstance(raw, str):   # "signal" or "stop"
                    return
                changed = sorted({Path(path) for change, path in raw if self._wanted(change, path)})
                if changed:
                    yield changed
        finally:
            self.notify.close()
