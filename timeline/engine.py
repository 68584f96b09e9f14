"""How a build does its work: the reference way, and the hooks the
speed-ups (timeline/speedups/) plug into.

The pipeline (project.py) asks its engine how to read text, how to run a
task over many items, which Jinja environment to render with, and where
to keep what a build made; and it tells the engine when it writes. This
module's `Engine` answers the plainest way: the libraries' own readers,
every item in order in this process, Jinja as it comes, a memory that
lasts as long as the project object. `speedups.FastEngine` answers the
same questions faster, and a build with either writes the same bytes
(tests/test_reference.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import jinja2

from .check.check import Checked, EntryChecker, check_chunk
from .render.exports import EventWriter, icalendar_event
from .memory import Memory
from .read.readers import Readers

if TYPE_CHECKING:
    from .project import Build, Project, Result


class Engine:
    """The reference engine: everything in order, in one process."""

    readers = Readers()
    environment: Callable[..., jinja2.Environment] = jinja2.Environment
    # How timeline.ics's events are written: by the icalendar library.
    ics_event: EventWriter = staticmethod(icalendar_event)

    def open_memory(self) -> Memory:
        """What the project's first build may reuse: nothing, here."""
        return Memory()

    def map(self, task: Callable[[Any, Sequence], list], state: Any, items: Sequence, *,
            min_items: int = 64, meanwhile: Callable[[], None] | None = None) -> list:
        """task(state, items), then `meanwhile`: work of the caller's own
        that the task does not need (an engine with workers does it while
        they run)."""
        out = list(task(state, items))
        if meanwhile is not None:
            meanwhile()
        return out

    def check_entries(self, checker: EntryChecker, rels: Sequence[str],
                      meanwhile: Callable[[], None] | None = None) -> list[Checked]:
        """Check these entry files (check.EntryChecker.check), in their order."""
        return self.map(check_chunk, checker, rels, meanwhile=meanwhile)

    def shortcut(self, project: "Project", changed: "list[str] | None" = None) -> "Result | None":
        """A quicker way to the same site, if the engine knows one for
        what changed; None for the full build. `changed`: the content
        files (relative to it) that changed since the last build, when the
        caller saw every change (a watcher); None when it did not."""
        return None

    def before_writing(self, build: "Build") -> None:
        """The pages are planned and about to be rendered and written."""

    def while_writing(self, build: "Build") -> None:
        """Work of the engine's own, done while the pages are rendered."""

    def after_writing(self, build: "Build", stats: dict[str, list[int] | None]) -> None:
        """The site is written; `stats` holds each file's [size, mtime_ns]."""

    def abandon(self) -> None:
        """Writing failed: undo what before_writing and while_writing began."""

    def prepare(self, project: "Project") -> None:
        """Nothing is being built (a preview waits for a save): make now
        what the shortcut will want, so that the next edit need not."""
