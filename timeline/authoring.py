"""The front of the authoring commands: `init`, `new`, `import` and `capture`
(CONTRACT.md section 6), their options, messages and exit status. The
work is timeline/commands/'s."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from .commands import capture, importer, init, new
from .commands.files import CommandError
from .errors import Problems
from . import invoked
from .invoked import COMMANDS, command_from, program

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
HELP = dict(COMMANDS)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=program(), description="Start a timeline, add entries, import a spreadsheet.")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("init", help=HELP["init"], description=HELP["init"])
    i.add_argument("dir", nargs="?", default=".", help="where (default: here)")
    i.add_argument("--language", default="en", help="the site's language, a BCP 47 tag such as de or pt-BR (default: en)")
    n = sub.add_parser("new", help=HELP["new"], description=HELP["new"])
    n.add_argument("title", help="the entry's title")
    n.add_argument("--date", help="its date (default: today in the timeline's zone)")
    n.add_argument("--content", default="content", help="entries folder (default: content)")
    n.add_argument("--force", action="store_true", help="replace an entry file of the same name")
    m = sub.add_parser("import", help=HELP["import"], description=HELP["import"])
    m.add_argument("file", metavar="FILE.csv|FILE.json",
                   help="the sheet, saved as CSV UTF-8, or a TimelineJS JSON file")
    m.add_argument("--content", default="content", help="entries folder (default: content)")
    order = m.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_true", help="read 07/01/2022 as 7 January")
    order.add_argument("--monthfirst", action="store_true", help="read 07/01/2022 as July 1")
    mode = m.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="replace files that exist")
    mode.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    c = sub.add_parser("capture", help=HELP["capture"], description=HELP["capture"])
    c.add_argument("source", help="an http(s) address, a saved .html file, or a .warc / .warc.gz file")
    c.add_argument("--id", help="the source's id (default: the publisher and the published date)")
    c.add_argument("--seeds", default="seeds", help="archived sources folder (default: seeds)")
    c.add_argument("--timeout", type=float, default=capture.webpage.TIMEOUT_SECONDS,
                   help="seconds the whole fetch may take (default: 30)")
    c.add_argument("--max-size", type=_megabytes, default=capture.webpage.MAX_SIZE, metavar="MB",
                   help="the largest page taken, in MB, after decompression (default: 50)")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return {"init": _init, "new": _new, "import": _import, "capture": _capture}[args.command](args)
    except CommandError as exc:
        print(f"{invoked.name()}: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:
        print(f"{invoked.name()}: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONTENT


def _init(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        print(f"{invoked.name()}: error: {args.dir} is a file, not a folder", file=sys.stderr)
        return EXIT_USAGE
    for path in init.run(folder, args.language):
        print(f"wrote {path}")
    run = command_from(folder)
    where = "" if args.dir == "." else f"cd {shlex.quote(args.dir)}\n"
    print(f"a new timeline: edit content/_index.md, then add an entry and build the site there:\n"
          f"{where}{run} new \"What happened\"\n{run} build --drafts\n"
          f"{run} serve --drafts   # a preview while you write\n"
          "README.md says how to publish it on GitHub Pages.")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    path = new.run(args.title, args.date, Path(args.content), force=args.force)
    print(path)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    problems = Problems()
    dayfirst = True if args.dayfirst else False if args.monthfirst else None
    csv_path = Path(args.file)
    if not csv_path.is_file():
        print(f"{invoked.name()}: error: {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    report = importer.run(csv_path, args.file, Path(args.content), dayfirst=dayfirst, force=args.force,
                          dry_run=args.dry_run, problems=problems)
    for problem in problems.items:
        print(problem, file=sys.stderr)
    if report is None:
        n = len(problems.errors)
        print(f"{invoked.name()}: error: {n} error{'s' if n != 1 else ''} in {args.file}: nothing was written",
              file=sys.stderr)
        return EXIT_CONTENT
    if args.dry_run:
        for path, text in report.planned.files.items():
            print(f"--- would write {path}")
            print(text, end="")
    else:
        for path in report.planned.files:
            print(f"{'replaced' if path in report.replaced else 'wrote'} {path}")
    entries = sum(1 for p in report.planned.files if p.name != "_index.md")
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {entries} entr{'y' if entries == 1 else 'ies'}", end="")
    if report.drafts:
        print(f"; {len(report.drafts)} still need a source and are drafts until they have one:")
        for path in report.drafts:
            print(f"  {path}")
    else:
        print()
    if report.paste:
        index = os.path.join(args.content, "_index.md")
        print(f"{index} exists, so its title and eras are left as they are; paste these into its front "
              f"matter (or import again with --force to replace them):\n{report.paste}", end="")
    return EXIT_OK


def _megabytes(given: str) -> int:
    try:
        size = float(given)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{given!r} is not a number of megabytes") from None
    if not 0 < size < 1024 * 1024:
        raise argparse.ArgumentTypeError(f"{given!r}: give a size in MB above 0")
    return int(size * 1024 * 1024)


def _capture(args: argparse.Namespace) -> int:
    seeds = Path(args.seeds)
    if seeds.exists() and not seeds.is_dir():
        print(f"{invoked.name()}: error: --seeds {args.seeds} is a file, not a folder", file=sys.stderr)
        return EXIT_USAGE
    done = capture.run(args.source, seeds, args.id, args.timeout, args.max_size)
    for warning in done.warnings:
        print(warning, file=sys.stderr)
    print(done.text_path)
    print(f"  text: {done.text_path} (SHA-256 {done.text_sha256})")
    print(f"  page: {done.page_path} (SHA-256 {done.page_sha256})")
    print(f"  added \"{done.source_id}\" to {seeds / 'sources.yaml'}")
    for name, value in done.found.items():
        print(f"  found {name}: {value}")
    for name in ("publisher", "title", "published", "author", "url"):
        if name not in done.found:
            need = " (required: fill it in before citing this source)" if name in done.missing else ""
            print(f"  not stated: {name}{need}")
    if done.furniture:
        print(f"  furniture (picture credits): lines {', '.join(map(str, done.furniture))}")
    for line in done.unmatched:
        print(f"  note: not kept (a link elsewhere, furniture, or not the page's own words), though the extractor "
              f"read it: {line[:100]}")
    return EXIT_OK
