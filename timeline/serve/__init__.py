"""`build.py serve`: build, serve the output folder on 127.0.0.1, and
rebuild on every save, telling the open pages what changed.

    serve(project, host="127.0.0.1", port=8000)

One Project stays in memory from build to build, so a rebuild redoes only
what the saved files touch (Project.rebuild); the folder it leaves is the
one `build` writes. What the pages need to reload is added as they are
served (server.py), never to the files."""

from __future__ import annotations

import errno
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from ..project import OutputError, Project
from . import watch
from .collector import Collector
from .server import IDLE_SECONDS, THREADS, PreviewServer
from .site import LiveSite

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(project: Project, host: str, port: int, *, poll: bool = False, cache: Path | None = None,
          idle_timeout: float = IDLE_SECONDS, threads: int = THREADS,
          out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit status. At most
    `threads` connections are served at once, each closed after
    `idle_timeout` seconds without a byte either way."""
    options = project.options
    assert options.out_dir is not None
    site = LiveSite()
    try:
        server = PreviewServer(host, port, options.out_dir, site, idle_timeout=idle_timeout, threads=threads)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"build.py: error: port {port} on {host} is in use: stop what serves there, or give "
                  "another port (--port 8001, or --port 0 for a free one)", file=err)
        else:
            print(f"build.py: error: cannot serve on {host}:{port}: {exc.strerror or exc}", file=err)
        return 1
    print(f"serving {server.url}", file=out, flush=True)
    if host not in LOOPBACK:
        print(f"build.py: warning: serving on {host}: other machines that reach it can read the site, "
              "drafts included; open it by its address (a request naming the machine by a name is refused)",
              file=err, flush=True)

    stop = threading.Event()
    stopping = lambda signum, frame: stop.set()   # noqa: E731 - the handler is this one line
    previous = {sig: signal.signal(sig, stopping) for sig in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    collector: Collector | None = None
    try:
        collector = Collector()
        collector.start()
        # Watching starts before the first build, so that no save is missed.
        ignored = [options.out_dir] + ([cache] if cache is not None else [])
        try:
            watcher = watch.Watcher(watch.watched_folders(options), ignored, poll)
        except (OSError, RuntimeError) as exc:
            # inotify's limit on watches, most often: polling needs none.
            print(f"build.py: error: cannot watch the folders for changes ({exc}): try --poll", file=err)
            return 1
        with collector.building():
            _build(project, site, None, err)
            _prepare(project, err)
        for changed in watcher.batches(stop):
            with collector.building():
                _build(project, site, changed, err)
                _prepare(project, err)
    finally:
        if collector is not None:
            collector.close()
        site.stop()
        server.shutdown()
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _prepare(project: Project, err: TextIO) -> None:
    """What the next edit's patch needs, made while waiting for it. Only
    a saving: if it fails, the next edit takes the full build."""
    try:
        project.engine.prepare(project)
    except Exception as exc:   # never the end of the preview
        print(f"build.py: warning: the next edit will take the full build ({type(exc).__name__}: {exc})",
              file=err, flush=True)
        project.last = None


def _build(project: Project, site: LiveSite, changed: list[Path] | None, err: TextIO) -> None:
    """One build, with the requests held while it runs; its problems
    printed, then told to the open pages (so that what a page shows is on
    the terminal already)."""
    started = time.perf_counter()
    with site.building():
        try:
            result = project.build() if changed is None else project.rebuild(changed, complete=True)
        except OutputError as exc:
            message = f"build.py: error: {exc}"
            print(message, file=err, flush=True)
            site.finished([], [message])
            return
        errors = [str(problem) for problem in result.problems if problem.severity == "error"]
        for problem in result.problems:
            print(problem, file=err)
        took = (time.perf_counter() - started) * 1000
        if errors:
            print(f"build failed ({len(errors)} error{'s' if len(errors) != 1 else ''}): still serving the last "
                  "good build", file=err, flush=True)
        else:
            what = "built" if changed is None else "rebuilt"
            print(f"{what} in {took:.0f} ms: {result.entry_count} entries, {len(result.written)} files written, "
                  f"{len(result.removed)} removed", file=err, flush=True)
        if result.timeline is not None and result.timeline.language is not None:
            # The panel speaks the site's language; the errors in it stay English.
            site.strings = {key: result.timeline.language.strings[key] for key in ("live.failed", "live.dismiss")}
        site.finished([] if errors else result.written + result.removed, errors)
