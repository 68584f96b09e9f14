"""The command line: `build` and `check`, their options and exit status."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from . import parallel
from . import quick
from .assemble import Folders, check_context, load_timeline
from .cache import BuildCache, current_salt, digest
from .check import Checked
from .errors import ContentError
from .output import static_jobs, write_site
from .render import BUNDLED_TEMPLATES, Renderer, plan_site

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
BUNDLED_STATIC = BUNDLED_TEMPLATES.parent / "static"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build a static timeline site from content/ and seeds/, verifying every quote and passage.",
    )
    p.add_argument("command", nargs="?", choices=("build", "check"), default="build",
                   help="build the site (default) or only check the content")
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
    return p


def main(argv: list[str] | None = None, *, exit_when_done: bool = False) -> int:
    """Run the command line; returns the exit status. With `exit_when_done`
    (build.py), a successful build ends the process where it finishes,
    without freeing what it made one object at a time (0.1 s at 10,000
    entries): the system takes the memory back at once."""
    args = parser().parse_args(argv)
    args.exit_when_done = exit_when_done
    # A build makes many long-lived objects and few cycles: the cyclic
    # collector would spend about a quarter of a rebuild finding nothing.
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        content = _folder(args.content, "content", "--content")
        seeds = _folder(args.seeds, "seeds", "--seeds")
        templates = _folder(args.templates, "templates", "--templates", BUNDLED_TEMPLATES)
        static = _folder(args.static, "static", "--static", BUNDLED_STATIC)
    except _UsageError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        print("build.py: error: --base-url must be an http(s) URL", file=sys.stderr)
        return EXIT_USAGE
    folders = Folders(Path(content), Path(seeds), content, seeds)
    workers = args.jobs if args.jobs > 0 else parallel.cores()
    out = None if args.command == "check" else Path(args.out or "site")
    cache_folder = None if args.no_cache else Path(args.cache)
    options = quick.Options(folders, out or Path("site"), Path(templates), templates, Path(static), args.drafts, args.base_url)
    if out is not None and cache_folder is not None:
        done = quick.rebuild(options, cache_folder, current_salt())
        if done is not None:
            count, files, written, warnings = done
            for warning in warnings:
                print(warning, file=sys.stderr)
            print("quick rebuild: only what the changed entries show was redone", file=sys.stderr)
            print(f"built {out}: {count} entries, {files} files ({written} written, 0 removed)", file=sys.stderr)
            return _done(args)
    cache = BuildCache.open(cache_folder)
    try:
        return _build(args, options, out, cache, workers)
    finally:
        cache.abandon()   # what a failed build began to save of the cache


def _build(args: argparse.Namespace, options: quick.Options, out: Path | None, cache: BuildCache, workers: int) -> int:
    """A full build (or check) with the cache as it was found."""
    folders, templates, cache_folder = options.folders, options.templates_shown, cache.folder
    renderer = Renderer(options.templates, templates)
    # The templates are compiled while the entries are checked: a build
    # without errors needs them next, and the workers render with them.
    timeline, problems = load_timeline(folders, drafts=args.drafts, base_url=args.base_url, cache=cache,
                                       workers=workers, meanwhile=renderer.compile)
    written = removed = files = 0
    if timeline is not None:
        try:
            base_key = digest(cache.salt, renderer.fingerprint(), repr(timeline.settings), args.drafts)
            static_files = static_jobs(options.static)
            jobs = plan_site(timeline, base_key) + static_files
            files = len(jobs)
            if out is not None and cache_folder is not None:
                quick.forget_manifest(cache_folder)
            saving = _Saving(cache, options, timeline, renderer, static_files, problems.sorted())
            written, removed, stats = write_site(out, jobs, renderer, cache, workers,
                                                 meanwhile=saving.begin if out is not None else None)
        except ContentError as exc:
            problems.add(exc)
        except OSError as exc:
            # The content is fine but the output cannot be written (a full disk, a read-only folder).
            print(f"build.py: error: cannot write {exc.filename or out}: {exc.strerror}", file=sys.stderr)
            return EXIT_CONTENT
    for problem in problems.sorted():
        print(problem, file=sys.stderr)
    if problems.errors:
        return EXIT_CONTENT
    if out is None:
        print(f"ok: {len(timeline.entries)} entries, {len(timeline.sources)} sources checked", file=sys.stderr)
        return EXIT_OK
    saving.finish(stats)
    print(f"built {out}: {len(timeline.entries)} entries, {files} files ({written} written, {removed} removed)", file=sys.stderr)
    return _done(args)


def _done(args: argparse.Namespace) -> int:
    """A successful build's end (see `main`)."""
    if args.exit_when_done:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)
    return EXIT_OK


class _Saving:
    """The build cache and the quick rebuild's manifest, saved after a
    build. All but what the written files make is done while the workers
    render (`begin`, the pool's meanwhile): the checked entries' lines of
    the cache (40 MB at 10,000 entries) and the manifest's text."""

    def __init__(self, cache: BuildCache, options: quick.Options, timeline, renderer, static_files, warnings):
        self.cache, self.options, self.timeline = cache, options, timeline
        self.renderer, self.static_files, self.warnings = renderer, static_files, warnings
        self.head: str | None = None   # the manifest but its output files

    def begin(self) -> None:
        self.cache.begin_save()
        if self.cache.folder is not None:
            try:
                self.head = self._manifest_head()
            except OSError:
                self.head = None   # no manifest: the next build takes the full way

    def finish(self, stats: dict[str, list[int] | None]) -> None:
        self.cache.save()
        if self.cache.folder is not None and self.head is not None:
            try:
                quick.save_manifest(self.cache.folder, self.head, stats)
            except OSError:
                quick.forget_manifest(self.cache.folder)

    def _manifest_head(self) -> str | None:
        """What the next build's quick way needs to know of this one, but
        the output files (see quick.manifest_head); None if there is to be
        none."""
        cache, timeline = self.cache, self.timeline
        files = {}
        for rel, (_, file_hash, stat, checked) in cache.entries.items():
            if not isinstance(checked, Checked):
                return None
            # No entry: a draft with errors, left out (else the build failed).
            files[rel] = [stat, file_hash, checked.entry.outline if checked.entry else None]
        settings = timeline.settings
        return quick.manifest_head(
            cache.salt,
            quick.inputs_digest(self.options, cache.salt, settings, timeline.sources, self.renderer, self.static_files),
            check_context(cache.salt, self.options.folders.content_shown, settings.timezone, timeline.sources),
            timeline, files, [str(p) for p in self.warnings],
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
