"""The served site between builds: which build is on disk, which of its
files each build changed, and the errors of the last one. The builder
and the request threads share it; one lock keeps a request from reading
a build half-written."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator


@dataclass
class News:
    """What a page learns from the server: the build now served, whether
    the page changed since the build it was served at, which of the other
    files (stylesheets, scripts) changed since, the errors of the last
    build, and the words of the panel that shows them, in the site's
    language."""

    build: int
    page_changed: bool
    assets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    strings: dict = field(default_factory=dict)

    def as_data(self) -> dict:
        data = {"build": self.build, "page": self.page_changed, "assets": self.assets, "errors": self.errors}
        if self.errors:   # only the errors' panel needs them
            data["strings"] = self.strings
        return data


class LiveSite:
    """Builds are numbered from 1; a page is served "at" the build that was
    on disk when it was read, 0 while no build has succeeded."""

    def __init__(self) -> None:
        self._disk = threading.Lock()           # held by a build from start to end
        self._news = threading.Condition()
        self.number = 0                          # builds finished, good or not
        self.first_good: int | None = None       # the first build that succeeded
        self.changed_at: dict[str, int] = {}     # site path -> the last build that wrote or removed it
        self.assets_at: dict[str, int] = {}      # the same, for the files but pages
        self.errors: list[str] = []              # of the last build
        self.strings: dict = {}                  # the panel's words in the site's language, of the last full build
        self.stopping = False

    @contextmanager
    def building(self) -> Iterator[None]:
        """Held while a build reads and writes: requests wait for it."""
        with self._disk:
            yield

    @contextmanager
    def reading(self) -> Iterator[int]:
        """Held while a request reads a file; gives the build it belongs to
        (0: none has succeeded yet)."""
        with self._disk:
            yield self.number if self.first_good is not None else 0

    def finished(self, changed: list[str], errors: list[str]) -> None:
        """A build ended: `changed` the site paths it wrote or removed
        (none when it had errors: the last good site stays)."""
        with self._news:
            self.number += 1
            if not errors and self.first_good is None:
                self.first_good = self.number
            for path in changed:
                self.changed_at[path] = self.number
                if not path.endswith(".html"):
                    self.assets_at[path] = self.number
            self.errors = errors
            self._news.notify_all()

    def news(self, seen: int, page: str) -> News:
        """What a page served at build `seen` should do now."""
        with self._news:
            if self.first_good is None:
                return News(self.number, False, [], self.errors, self.strings)
            if seen < self.first_good:
                return News(self.number, True, [], self.errors, self.strings)
            assets = sorted(path for path, n in self.assets_at.items() if n > seen)
            return News(self.number, self.changed_at.get(page, 0) > seen, assets, self.errors, self.strings)

    def wait(self, seen: int, timeout: float) -> int:
        """Wait until a build after `seen` has finished (or the server
        stops, or the time is up); gives the last build's number."""
        with self._news:
            self._news.wait_for(lambda: self.number > seen or self.stopping, timeout)
            return self.number

    def stop(self) -> None:
        with self._news:
            self.stopping = True
            self._news.notify_all()
