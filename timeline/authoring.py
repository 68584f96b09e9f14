"""The front of the authoring commands: `init`, `new`, `import` and `capture`
(CONTRACT.md section 6), their options, messages and exit status. The
work is timeline/commands/'s."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .commands import capture, importer, init, new
from .commands.files import CommandError
from .errors import Problems

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Start a timeline, add entries, import a spreadsheet.")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("init", help="make a new, empty timeline project")
    i.add_argument("dir", nargs="?", default=".", help="where (default: here)")
    i.add_argument("--language", default="en", help="the site's language, a BCP 47 tag such as de or pt-BR (default: en)")
    n = sub.add_parser("new", help="write a new draft entry")
    n.add_argument("title", help="the entry's title")
    n.add_argument("--date", help="its date (default: today in the timeline's zone)")
    n.add_argument("--content", default="content", help="entries folder (default: content)")
    n.add_argument("--force", action="store_true", help="replace an entry file of the same name")
    m = sub.add_parser("import", help="turn a spreadsheet (CSV) of events and quotes into entries")
    m.add_argument("file", help="the sheet, saved as CSV UTF-8")
    m.add_argument("--content", default="content", help="entries folder (default: content)")
    order = m.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_true", help="read 07/01/2022 as 7 January")
    order.add_argument("--monthfirst", action="store_true", help="read 07/01/2022 as July 1")
    mode = m.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="replace files that exist")
    mode.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    c = sub.add_parser("capture", help="turn a web page (an address, a saved page or a web archive) into a source")
    c.add_argument("source", help="an http(s) address, a saved .html file, or a .warc / .warc.gz file")
    c.add_argument("--id", help="the source's id (default: the publisher and the published date)")
    c.add_argument("--seeds", default="seeds", help="archived sources folder (default: seeds)")
    c.add_argument("--timeout", type=float, default=capture.webpage.TIMEOUT_SECONDS,
                   help="seconds to wait for the page (default: 30)")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return {"init": _init, "new": _new, "import": _import, "capture": _capture}[args.command](args)
    except CommandError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:
        print(f"build.py: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONTENT


def _init(args) -> int:
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        print(f"build.py: error: {args.dir} is a file, not a folder", file=sys.stderr)
        return EXIT_USAGE
    for path in init.run(folder, args.language):
        print(f"wrote {path}")
    where = "" if args.dir == "." else f"cd {args.dir} && "
    print(f"a new timeline: edit content/_index.md, then {where}python build.py new \"What happened\"; "
          "build it with python build.py")
    return EXIT_OK


def _new(args) -> int:
    path = new.run(args.title, args.date, Path(args.content), force=args.force)
    print(path)
    return EXIT_OK


def _import(args) -> int:
    problems = Problems()
    dayfirst = True if args.dayfirst else False if args.monthfirst else None
    csv_path = Path(args.file)
    if not csv_path.is_file():
        print(f"build.py: error: {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    report = importer.run(csv_path, args.file, Path(args.content), dayfirst=dayfirst, force=args.force,
                          dry_run=args.dry_run, problems=problems)
    for problem in problems.items:
        print(problem, file=sys.stderr)
    if report is None:
        n = len(problems.errors)
        print(f"build.py: error: {n} error{'s' if n != 1 else ''} in {args.file}: nothing was written",
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


def _capture(args) -> int:
    seeds = Path(args.seeds)
    if seeds.exists() and not seeds.is_dir():
        print(f"build.py: error: --seeds {args.seeds} is a file, not a folder", file=sys.stderr)
        return EXIT_USAGE
    done = capture.run(args.source, seeds, args.id, args.timeout)
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
        print(f"  note: the extractor also read, not in the page's own words, so not kept: {line[:100]}")
    return EXIT_OK
