"""The preview's cyclic garbage collection, done while nothing happens.

A build makes many long-lived objects and few cycles, and a full
collection walks every object the preview holds, its last build among
them: left to itself, the collector did so two or three times within one
rebuild that moves an entry. So it is held off while the preview runs,
and run from a thread of its own once no build has run for IDLE_SECONDS,
if the objects have grown since its last run by a quarter (the rule by
which the interpreter itself runs its oldest generation). A build waits
for a collection under way (`building`), as a request waits for a build.
Builds that come too fast for the preview ever to be idle do not let its
memory grow without end: after MOST_BUILDS of them, the next collects
first.

Objects are counted (`gc.get_objects`), not taken from the collector's
counts: the process pool's `gc.freeze` sets those to nought."""

from __future__ import annotations

import gc
import threading
import time
from contextlib import contextmanager
from typing import Iterator

# Quiet for this long, the preview is idle: the pages a build reloaded are
# served by then.
IDLE_SECONDS = 1.5
# So many objects more at least, before a collection is worth its walk
# (a page patched into the last build makes far fewer).
LEAST_GROWTH = 100_000
MOST_BUILDS = 20


class Collector:
    """Holds the cyclic collector off from `__init__` to `close`."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS, least_growth: int = LEAST_GROWTH,
                 most_builds: int = MOST_BUILDS) -> None:
        self.idle_seconds, self.least_growth, self.most_builds = idle_seconds, least_growth, most_builds
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.kept = len(gc.get_objects())   # what the last collection left
        self.builds = 0                     # since the last collection
        self.looked = True                  # at the objects since the last build
        self.last = time.monotonic()        # the end of the last build
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="collector", daemon=True)
        self.thread.start()

    @contextmanager
    def building(self) -> Iterator[None]:
        """Around a build (and what follows it): no collection meanwhile."""
        with self.lock:
            if self.builds >= self.most_builds:
                self.collect()
            self.builds += 1
            try:
                yield
            finally:
                self.looked = False
                self.last = time.monotonic()

    def idle(self) -> bool:
        """Collect if the objects grew enough since the last collection;
        whether it did. Looks once after each build."""
        if self.looked:
            return False
        self.looked = True
        if len(gc.get_objects()) - self.kept < max(self.least_growth, self.kept // 4):
            return False
        self.collect()
        return True

    def collect(self) -> None:
        gc.collect()
        self.kept = len(gc.get_objects())
        self.builds = 0

    def _run(self) -> None:
        while not self.stop.wait(self.idle_seconds / 4):
            with self.lock:
                if time.monotonic() - self.last >= self.idle_seconds:
                    self.idle()

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
        if self.was_enabled:
            gc.enable()
