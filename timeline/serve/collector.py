"""The preview's cyclic garbage collection, done while nothing happens.

A build makes many long-lived objects and few cycles, but the old build
it replaces is let go in cycles (a template environment holds its
renderer's methods, and the renderer everything it rendered). Left to
itself, the collector then walks every object the preview holds, the last
build among them, two or three times within one rebuild that moves an
entry. So the collector is held off while the preview runs, and asked to
run (`idle`) when no change has come for a while: it collects then if the
objects made since its last run amount to a quarter of those it kept, the
rule by which the interpreter itself runs its oldest generation. Edits
that come too fast for the preview ever to be idle are not let grow its
memory without end: past twice what it kept, it collects before the
next build (`before_build`)."""

from __future__ import annotations

import gc

# So many objects made at least before a collection is worth its walk
# (a page patched into the last build makes far fewer).
LEAST_PENDING = 100_000


class Collector:
    """Holds the cyclic collector off from `__init__` to `close`."""

    def __init__(self, least_pending: int = LEAST_PENDING) -> None:
        self.least_pending = least_pending
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.kept = len(gc.get_objects())   # what the last collection left, counted once

    def pending(self) -> int:
        """Objects made, less those freed, since the last collection."""
        return gc.get_count()[0]

    def idle(self) -> bool:
        """Collect if the objects made since the last collection amount
        to a quarter of those it kept; whether it did."""
        return self._collect(self.kept // 4)

    def before_build(self) -> bool:
        """Collect if they amount to twice as many; whether it did."""
        return self._collect(2 * self.kept)

    def _collect(self, pending_at_least: int) -> bool:
        pending = self.pending()
        if pending < max(self.least_pending, pending_at_least):
            return False
        found = gc.collect()
        self.kept = max(0, self.kept + pending - found)
        return True

    def close(self) -> None:
        if self.was_enabled:
            gc.enable()
