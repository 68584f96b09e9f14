#!/usr/bin/env python3
"""The check stage alone, in one process, for two versions of the program:
every entry of a synthetic timeline read, verified and rendered (what a
worker does), its check encoded as the cache's JSON (what crosses from a
worker and is written to the cache), and decoded again (what the parent
does with a worker's checks); and the source texts prepared for look-ups,
which every process that checks does once.

    .venv/bin/python bench/check_stage.py OLD_DIR NEW_DIR [--size 10000] [--rounds 4]

OLD_DIR and NEW_DIR each hold a copy of the program (e.g. `git worktree add
/tmp/old REV`). Each round measures each version in a fresh process, the
order turned every round; the collector is off, as in a build. Printed: the
CPU time (seconds) of each part, median of the rounds, and whether the two
versions encoded the same bytes for every entry (they must)."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = ("sources", "check", "encode", "decode")


def measure(program: str, project: str) -> dict[str, float | str]:
    """One version's figures, in this process (run with --measure)."""
    import gc
    import time
    from pathlib import Path

    sys.path.insert(0, program)
    from timeline.check.check import Archive, EntryChecker
    from timeline.errors import Problems
    from timeline.read.data import to_json
    from timeline.read.entries import scan_entry_files
    from timeline.read.settings import load_settings
    from timeline.read.sources import load_sources
    from timeline.speedups import FastEngine
    from timeline.speedups.cache import checked_from_data, checked_to_data

    gc.disable()
    readers = FastEngine(None, 1).readers
    content, seeds = Path(project, "content"), Path(project, "seeds")
    problems = Problems()
    settings = load_settings(content, "content", problems, None, readers.load_yaml)
    sources = load_sources(seeds, "seeds", settings.timezone, problems, readers.load_yaml, {}, {}, settings.language)
    files = sorted(scan_entry_files(content))
    clock = time.process_time
    out: dict[str, float | str] = {}
    t = clock()
    for source in sources.values():
        Archive.of(source)
    out["sources"] = clock() - t
    checker = EntryChecker(content, "content", settings.timezone, sources, readers, "salt", {}, "seeds",
                           settings.language)
    t = clock()
    checked = [checker.check(rel) for rel in files]
    out["check"] = clock() - t
    t = clock()
    texts = [to_json(checked_to_data(c)) for c in checked]
    out["encode"] = clock() - t
    t = clock()
    for text in texts:
        checked_from_data(json.loads(text))
    out["decode"] = clock() - t
    out["digest"] = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("old", nargs="?")
    p.add_argument("new", nargs="?")
    p.add_argument("--size", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--measure", nargs=2, metavar=("PROGRAM", "PROJECT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0
    if not (args.old and args.new):
        p.error("give the two versions' folders")
    sys.path.insert(0, HERE)
    import synth
    with tempfile.TemporaryDirectory(prefix="timeline-check-") as work:
        synth.generate(args.size, work, seed=1)
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for k in range(args.rounds):
            for name in (("old", "new") if k % 2 == 0 else ("new", "old")):
                program = os.path.abspath(getattr(args, name))
                done = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", program, work],
                                      capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
                runs[name].append(json.loads(done.stdout))
    print(f"{args.size} entries, {args.rounds} rounds, CPU seconds (medians)")
    for part in PARTS:
        old = statistics.median(r[part] for r in runs["old"])
        new = statistics.median(r[part] for r in runs["new"])
        print(f"  {part:8s} old {old:6.3f}  new {new:6.3f}  new/old {new / old:.2f}")
    same = {r["digest"] for r in runs["old"] + runs["new"]}
    print("  the checks' JSON: " + ("the same, byte for byte" if len(same) == 1 else "DIFFERENT"))
    return 0 if len(same) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
