"""The command line (`timeline`, `python -m timeline`, or `python build.py`
in a copy of the repository): `build`, `check` and `serve`, their options
and exit status, and `--help`'s list of every command; the authoring
commands `init`, `new`, `import` and `capture` (timeline/commands/).

A thin front: it turns the options into a project.Project, wires in the
speed-ups (speedups.FastEngine) unless TIMELINE_REFERENCE=1 asks for the
reference pipeline, runs it and prints what it found."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Callable

from .model.assemble import Folders
from .engine import Engine
from . import invoked
from .invoked import COMMANDS, listing, program
from .project import BUNDLED_STATIC, BUNDLED_TEMPLATES, Options, OutputError, Project, Result
from .speedups import FastEngine

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143   # 128 + the signal's number, as shells report it


def parser(serve: bool = False, command: str | None = None) -> argparse.ArgumentParser:
    """The options of build and check; with `serve`, the preview's too.
    Without a command named, `--help` lists every command first."""
    if command is None:
        p = argparse.ArgumentParser(
            prog=program(), usage=f"{program()} [COMMAND] [options]",
            description="Build a static timeline site from content/ and seeds/, verifying every quote and passage.\n\n"
                        + listing() + "\n\nThe options of build (the default command):",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    else:
        p = argparse.ArgumentParser(prog=f"{program()} {command}", usage=f"{program()} {command} [options]",
                                    description=dict(COMMANDS)[command])
    p.add_argument("command", nargs="?", choices=("build", "check", "serve"), default="build",
                   help=argparse.SUPPRESS)
    p.add_argument("--content", help="entries folder (default: content)")
    p.add_argument("--seeds", help="archived sources and sources.yaml (default: seeds)")
    p.add_argument("--templates", help="Jinja templates (default: templates, else the bundled ones)")
    p.add_argument("--static", help="files copied to site/static (default: static, else the bundled ones)")
    p.add_argument("--out", help="output folder (default: site)")
    p.add_argument("--drafts", action="store_true", help="include draft entries")
    p.add_argument("--base-url", help="where the site is hosted (overrides base_url in content/_index.md)")
    p.add_argument("--cache", default=".cache", help="build cache folder (default: .cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
    if serve:
        p.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
        p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: a free one)")
        p.add_argument("--poll", action="store_true",
                       help="look for changes by polling (network and container mounts)")
    return p


def reference_wanted() -> bool:
    """TIMELINE_REFERENCE=1: the plain pipeline, one process, no cache."""
    return os.environ.get("TIMELINE_REFERENCE", "") not in ("", "0")


AUTHORING = ("init", "new", "import", "capture")


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so that what it was doing is
    undone on the way out (a build's staging folder) as for Ctrl-C."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status. Ctrl-C and SIGTERM
    end it with one line and no traceback; a build or an import stopped
    so leaves what it writes as it was (see output.py, files.py)."""
    handling = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if handling else None
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        print("build.py: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("build.py: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if handling:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str]) -> int:
    if argv and argv[0] in AUTHORING:
        from . import authoring
        return authoring.main(argv)
    named = argv[0] if argv and argv[0] in ("build", "check", "serve") else None
    args = parser(serve=named == "serve", command=named).parse_args(argv)
    try:
        options = _options(args)
    except _UsageError as exc:
        print(f"{invoked.name()}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "serve":
        return _serve(options, args)
    if reference_wanted():
        engine: Engine = Engine()
        return _run(Project(options, engine, _waiting(options)), args)
    # A build makes many long-lived objects and few cycles: the cyclic
    # collector would spend much of its time finding nothing.
    gc.disable()
    try:
        engine = FastEngine(None if args.no_cache else Path(args.cache), args.jobs)
        return _run(Project(options, engine, _waiting(options)), args)
    finally:
        # What the build left (its cycles with it) is not collected: the
        # process ends next, and the collection at exit would walk it all.
        gc.freeze()
        gc.enable()


def _serve(options: Options, args: argparse.Namespace) -> int:
    """The preview keeps one project in memory between its builds; it
    runs for hours, so its cyclic garbage is collected, while it is idle
    (serve/collector.py)."""
    from .serve import serve
    if not 0 <= args.port <= 65535:
        print(f"{invoked.name()}: error: --port {args.port}: a port is 0 to 65535", file=sys.stderr)
        return EXIT_USAGE
    cache = None if args.no_cache else Path(args.cache)
    engine = Engine() if reference_wanted() else FastEngine(cache, args.jobs)
    project = Project(options, engine, _waiting(options), keep_spare=True, lasting=True)
    return serve(project, args.host, args.port, poll=args.poll, cache=cache)


def _waiting(options: Options) -> Callable[[], None]:
    """What a build says when another one is writing into its folder."""
    def say() -> None:
        print(f"build.py: another build is writing {options.out_dir}: waiting for it to finish",
              file=sys.stderr, flush=True)
    return say


def _run(project: Project, args: argparse.Namespace) -> int:
    try:
        result = project.check() if args.command == "check" else project.build()
    except OutputError as exc:
        print(f"{invoked.name()}: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        return EXIT_CONTENT
    if args.command == "check":
        timeline = result.timeline
        print(f"ok: {_entries(result)}, {len(timeline.sources) if timeline else 0} sources checked",
              file=sys.stderr)
        return EXIT_OK
    print(_summary(project.options.out_dir, result), file=sys.stderr)
    return EXIT_OK


def _summary(out: Path | None, result: Result) -> str:
    line = (f"built {out}: {_entries(result)}, {result.files} files "
            f"({len(result.written)} written, {len(result.removed)} removed)")
    if result.quick:
        return "quick rebuild: only what the changed entries show was redone\n" + line
    return line


def _entries(result: Result) -> str:
    """"6 entries (1 draft left out)": what the build shows, and what it left out."""
    text = f"{result.entry_count} entries"
    n = result.drafts_left_out
    return text + (f" ({n} draft{'s' if n != 1 else ''} left out)" if n else "")


def _options(args: argparse.Namespace) -> Options:
    content = _folder(args.content, "content", "--content")
    # A new timeline may have no seeds/ yet: an error only once an entry cites a source.
    seeds = _folder(args.seeds, "seeds", "--seeds", Path("seeds"))
    templates = _folder(args.templates, "templates", "--templates", BUNDLED_TEMPLATES)
    static = _folder(args.static, "static", "--static", BUNDLED_STATIC)
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        raise _UsageError("--base-url must be an http(s) URL")
    return Options(
        folders=Folders(Path(content), Path(seeds), content, seeds),
        out_dir=None if args.command == "check" else Path(args.out or "site"),
        templates=Path(templates), templates_shown=templates, static=Path(static), static_shown=static,
        drafts=args.drafts, base_url=args.base_url,
    )


class _UsageError(Exception):
    pass


def _folder(given: str | None, default: str, option: str, fallback: Path | None = None) -> str:
    """The folder as the user wrote it (messages name it so); a missing one is wrong usage."""
    if given is not None:
        if not Path(given).is_dir():
            raise _UsageError(f"{option} {given}: no such folder")
        return given
    if Path(default).is_dir():
        return default
    if fallback is not None:
        return str(fallback)
    raise _UsageError(f"no {default}/ folder here; run from a timeline project or give {option}")
