"""What the last build made, kept so that the next one redoes only what
changed: each entry file's check, and the key each output file was made
from. A `Project` holds one in memory between its builds (live preview
rebuilds so); speedups/cache.py loads it from disk and saves it back, so
that separate runs of build.py share it too. A fresh Memory knows nothing:
a build with it does everything."""

from __future__ import annotations

import os
from typing import Any

from .check.check import Checked
from .hashing import CLOCK_TICK_NS, file_digest, file_stat, short_digest  # noqa: F401 (CLOCK_TICK_NS: for the speed-ups)

def _digest_of(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return file_digest(f.read())
    except OSError:
        return ""


class Memory:
    """Checked entries and page keys of the last build."""

    def __init__(self, salt: str = "") -> None:
        self.salt = salt                        # what wrote it: a program version
        self.entries: dict[str, list] = {}      # content path -> [context, file hash, stat, Checked or its data]
        self.pages: dict[str, list] = {}        # site path -> [key, size, mtime_ns]
        # site path -> the entries' fragments the page holds, as it was last
        # rendered: [[template, root, names, [short_digest of the entry's
        # path, ...]], ...] (see render.Placement); while its key is
        # unchanged, so are they.
        self.placed: dict[str, list] = {}
        self.keeps_placed = False   # kept for another run (the quick rebuild's): else not recorded
        self._short: dict[str, str] = {}
        self.dirty: set[tuple[str, str]] = set()   # (table, key) changed since loading
        self.changes = 0                            # to the entries, since loading
        # The pieces of the files of one piece per entry (pieces.Kept), from
        # the last build in this process; None until a build is done, so
        # that a single build leaves them to its workers and keeps none.
        self.pieces: dict | None = None
        # What each template's pages were seen to read (keys.Reads), for
        # finer page keys; None: not recorded (a single build).
        self.reads: dict | None = None

    # -- checked entries --

    def file_hash(self, rel: str, context: str, stat: list | None) -> str | None:
        """The stored hash of a file whose size and time are as recorded, if
        that record can be trusted (see `keep_checked`)."""
        item = self.entries.get(rel)
        if item and item[0] == context and stat is not None and item[2] == stat:
            return item[1]
        return None

    def knows(self, rel: str, context: str) -> bool:
        """Whether a check of this file under this context is kept at all."""
        item = self.entries.get(rel)
        return item is not None and item[0] == context

    def checked(self, rel: str, context: str, file_hash: str) -> Checked | None:
        item = self.entries.get(rel)
        if not item or item[0] != context or item[1] != file_hash:
            return None
        if isinstance(item[3], Checked):
            return item[3]
        try:
            # Keep the object, not the raw data: one copy in memory, not two.
            item[3] = self.decode(item[3])
            return item[3]
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def decode(self, data: Any) -> Checked:
        """A check as a store kept it (see speedups/cache.py); in memory it
        is the object itself."""
        raise ValueError("not a check")

    def reuse(self, rel: str, context: str, stat: list | None, folder: str) -> Checked | None:
        """The kept check of this file, if it still holds: size and time
        first, then the contents only when a kept check could match them."""
        file_hash = self.file_hash(rel, context, stat)
        if file_hash is None and self.knows(rel, context):
            try:
                with open(os.path.join(folder, rel), "rb") as f:
                    file_hash = file_digest(f.read())
            except OSError:
                file_hash = ""
        hit = self.checked(rel, context, file_hash) if file_hash is not None else None
        if hit is not None and not all(_digest_of(os.path.join(folder, other)) == was for other, was in hit.depends):
            return None   # a picture it read changed
        return hit

    def keep_checked(self, rel: str, context: str, file_hash: str, stat: list | None, checked: Checked) -> None:
        """Remember a check. `stat` is [size, mtime_ns]: pass None when the
        file changed so recently that a further edit within the same clock
        tick would leave its time unchanged; then the next build hashes it."""
        self.entries[rel] = [context, file_hash, stat, checked]
        self.dirty.add(("e", rel))
        self.changes += 1

    def keep_stat(self, rel: str, stat: list | None) -> None:
        if self.entries[rel][2] != stat:
            self.entries[rel][2] = stat
            self.dirty.add(("e", rel))
            self.changes += 1

    def distrust(self, rel: str) -> None:
        """The file is said to have changed: its bytes are hashed again,
        whatever its size and time say."""
        if rel in self.entries:
            self.keep_stat(rel, None)

    def forget_entries_except(self, rels: set[str]) -> None:
        self.entries = {k: v for k, v in self.entries.items() if k in rels}
        self.changes += 1

    # -- output files --

    def page_unchanged(self, out_dir: str, path: str, key: str | None) -> bool:
        """Made from the same inputs as the file already there, untouched since."""
        if key is None:
            return False
        seen = self.pages.get(path)
        if not seen or seen[0] != key:
            return False
        return file_stat(os.path.join(out_dir, path)) == seen[1:]

    def keep_placed(self, path: str, placed: list[tuple[str, str, str, str]]) -> None:
        """The fragments a page was just rendered with (render.Placement)."""
        kinds: dict[tuple[str, str, str], list[str]] = {}
        short = self._short
        for template, root, names, rel in placed:
            name = short.get(rel)
            if name is None:
                name = short[rel] = short_digest(rel)
            kinds.setdefault((template, root, names), []).append(name)
        item = [[template, root, names, rels] for (template, root, names), rels in kinds.items()]
        if self.placed.get(path) != item:
            self.placed[path] = item
            self.dirty.add(("l", path))

    def keep_page(self, path: str, item: list) -> None:
        if self.pages.get(path) != item:
            self.pages[path] = item
            self.dirty.add(("p", path))
