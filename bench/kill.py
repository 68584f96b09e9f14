#!/usr/bin/env python3
"""Kill rebuilds at random moments; the site must be the old one or the new
one every time, never a mix.

    python bench/kill.py [--entries 2000] [--tries 20] [--term-every 4]
                         [--quick] [--seed S] [--workdir DIR] [--keep]

Makes a timeline of N entries (bench/synth.py) and builds it. Then, each
try: changes many files' worth of input (odd tries the timeline's title,
which every page shows; even tries the bodies of a tenth of the entries),
starts `build.py`, and at a random moment within the time the last such
build took (the machine's load changes) sends its process group SIGKILL (every `--term-every`-th try
SIGTERM). With `--quick`, each try instead adds a sentence to one entry's
body, which the quick rebuild redoes in a handful of files. The site is
then compared, file by file by SHA-256, with the one
before the try and with the one a build run to the end makes next:

    old   the site is exactly the one before
    new   the site is exactly the new one (the kill came after the swap)
    mixed anything else: a failure

It also counts what was left beside the site right after the kill (a
SIGKILL cannot clean up; a SIGTERM should) and after the next build (must
be nothing). Exit status 1 if any try was mixed or anything was left after
a build. Standard library only; it imports nothing from the project.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def tree(site: str) -> dict[str, str]:
    """Every file under `site` (links not followed), path -> SHA-256."""
    out = {}
    for parent, dirs, files in os.walk(site):
        for name in files:
            full = os.path.join(parent, name)
            rel = os.path.relpath(full, site)
            if os.path.islink(full):
                out[rel] = "link:" + os.readlink(full)
                continue
            with open(full, "rb") as f:
                out[rel] = hashlib.sha256(f.read()).hexdigest()
    return out


def leftovers(project: str) -> list[str]:
    """What a build leaves beside the site when it is stopped midway (the
    tree the quick rebuild keeps on purpose, .site.spare, is not counted)."""
    return sorted(name for name in os.listdir(project)
                  if name.startswith((".site.", ".staging-")) and name != ".site.spare")


def build(python: str, project: str) -> subprocess.Popen:
    return subprocess.Popen([python, os.path.join(ROOT, "build.py")], cwd=project, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def build_to_end(python: str, project: str) -> float:
    started = time.perf_counter()
    proc = build(python, project)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"kill.py: a build failed (exit {proc.returncode}):\n{err}")
    return time.perf_counter() - started


def change(project: str, attempt: int, rng: random.Random, quick: bool = False) -> str:
    """Change the input so that the next build rewrites many files (with
    `quick`, one entry's body: the quick rebuild's few)."""
    if attempt % 2 and not quick:
        index = os.path.join(project, "content", "_index.md")
        with open(index, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^title: .*$", f"title: Synthetic timeline, version {attempt}", text, count=1)
        with open(index, "w", encoding="utf-8") as f:
            f.write(text)
        return "title"
    entries = []
    for parent, dirs, files in os.walk(os.path.join(project, "content")):
        entries += [os.path.join(parent, name) for name in files if name.endswith(".md") and name != "_index.md"]
    entries.sort()
    for path in rng.sample(entries, 1 if quick else max(1, len(entries) // 10)):
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\nOne more sentence, written by try {attempt}.\n")
    return "body" if quick else "bodies"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--tries", type=int, default=20)
    ap.add_argument("--term-every", type=int, default=4, help="every N-th try sends SIGTERM, the others SIGKILL")
    ap.add_argument("--quick", action="store_true", help="each try edits one entry's body (the quick rebuild)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--python", default=sys.executable, help="the Python that runs build.py")
    ap.add_argument("--workdir", help="where to make the project (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the project")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = args.workdir or tempfile.mkdtemp(prefix="kill-")
    project = os.path.join(work, "project")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "synth.py"), str(args.entries), project,
                        "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        build_to_end(args.python, project)
        # How long a build that changes many files takes: kills fall within it.
        change(project, 0, rng, args.quick)
        took = build_to_end(args.python, project)
        print(f"{args.entries} entries; a rebuild that changes {'one body' if args.quick else 'many files'} "
              f"takes {took:.2f} s", flush=True)
        old = tree(os.path.join(project, "site"))
        counts = {"old": 0, "new": 0, "mixed": 0}
        sent = {"SIGKILL": 0, "SIGTERM": 0}
        left_by_kill = {"SIGKILL": 0, "SIGTERM": 0}
        left_after_build = 0
        for attempt in range(1, args.tries + 1):
            what = change(project, attempt, rng, args.quick)
            sig = signal.SIGTERM if args.term_every and attempt % args.term_every == 0 else signal.SIGKILL
            proc = build(args.python, project)
            delay = rng.uniform(0.0, took * 1.1)
            started = time.perf_counter()
            try:
                proc.wait(timeout=delay)
                took = time.perf_counter() - started   # it finished before the kill
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
            _, err = proc.communicate()
            # The whole group, so that no worker of the killed build outlives it.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            seen = tree(os.path.join(project, "site"))
            left = leftovers(project)
            if left:
                left_by_kill[sig.name] += 1
            sent[sig.name] += 1
            # The build the kill interrupted, run to its end; its time (the
            # machine's load changes) is the window of the next kill.
            finished_in = build_to_end(args.python, project)
            if proc.returncode not in (0, None):
                took = finished_in
            new = tree(os.path.join(project, "site"))
            if leftovers(project):
                left_after_build += 1
            verdict = "old" if seen == old else "new" if seen == new else "mixed"
            counts[verdict] += 1
            detail = ""
            if verdict == "mixed":
                detail = (f": {sum(1 for p in seen if old.get(p) == seen[p])} files old, "
                          f"{sum(1 for p in seen if new.get(p) == seen[p] and old.get(p) != seen[p])} new, "
                          f"{len(seen)} in all")
            print(f"try {attempt:2}: {what:6} {sig.name} after {delay:.2f} s (exit {proc.returncode}): "
                  f"{verdict}{detail}{'; left ' + ', '.join(left) if left else ''}"
                  f"{'; ' + err.strip().splitlines()[-1] if sig == signal.SIGTERM and err.strip() else ''}",
                  flush=True)
            old = new
        print(f"tries: {args.tries} ({sent['SIGKILL']} SIGKILL, {sent['SIGTERM']} SIGTERM); "
              f"site old: {counts['old']}, new: {counts['new']}, mixed: {counts['mixed']}; "
              f"left beside the site after the kill: {left_by_kill['SIGKILL']} of the SIGKILLs, "
              f"{left_by_kill['SIGTERM']} of the SIGTERMs; after the next build: {left_after_build}")
        return 1 if counts["mixed"] or left_after_build or left_by_kill["SIGTERM"] else 0
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
