#!/usr/bin/env python3
"""What making a site's files costs the system, as a build makes them:
right after the last build's files were deleted (as bench/run.py and
bench/ab.py delete the site before each cold build, and as a person does
with `rm -rf site`), N files of an entry page's size made

  - by one process, in one folder;
  - by two processes, in one folder (entries/, as the build's two workers
    once made them);
  - by two processes, each in a folder of its own, each file then moved
    into the one folder (as output._write_moved makes them).

    .venv/bin/python bench/make_files.py [N] [--rounds R] [--dir DIR]

On ext4 without a journal (this machine's disk), making a file walks the
free inodes that were freed in the last minute, which it would rather not
reuse yet: thousands after a site was deleted, all under the lock of the
folder the file is made in. The files are made in a new folder
inside DIR (default: the system's temporary folder), removed at the end;
DIR must be on the disk to measure, not on tmpfs. Prints
wall and CPU seconds of each way, every round and their medians."""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time

PAGE = b"x" * 7500


def make(folder: str, making: str | None, names: range) -> None:
    for i in names:
        target = os.path.join(folder, "entries", f"{i}.html")
        path = os.path.join(making, str(i)) if making else target
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            os.write(fd, PAGE)
        finally:
            os.close(fd)
        if making:
            os.rename(path, target)


def timed(folder: str, n: int, processes: int, own_folders: bool) -> tuple[float, float]:
    os.makedirs(os.path.join(folder, "entries"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    pids = []
    for k in range(processes):
        names = range(k * n // processes, (k + 1) * n // processes)
        making = os.path.join(folder, f".making-{k}") if own_folders else None
        if making:
            os.mkdir(making)
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                make(folder, making, names)
                status = 0
            finally:
                os._exit(status)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if status:
            raise SystemExit(f"a process failed (wait status {status})")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", nargs="?", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--dir", help="where to make the files, in a new folder of its own (default: the system's "
                                 "temporary folder)")
    args = p.parse_args(argv)
    root = tempfile.mkdtemp(prefix="make-files-", dir=args.dir)
    site = os.path.join(root, "site")
    ways = {"one process, one folder": (1, False), "two processes, one folder": (2, False),
            "two processes, own folders, moved": (2, True)}
    figures: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
    try:
        timed(site, args.n, 1, False)   # the last build's files, deleted before each round
        for r in range(args.rounds):
            for way, (processes, own) in ways.items():
                # Deleted a second after they were made, and made a second
                # after that: the system keeps the time of a file's deletion
                # in whole seconds, and skips only inodes freed before now.
                os.sync()
                time.sleep(1.1)
                shutil.rmtree(site)
                os.sync()
                time.sleep(1.1)
                wall, cpu = timed(site, args.n, processes, own)
                figures[way].append((wall, cpu))
                print(f"round {r + 1}: {way}: {wall:.2f} s, CPU {cpu:.2f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\n{args.n:,} files of {len(PAGE):,} bytes, made right after as many were deleted (medians of {args.rounds}):")
    for way, runs in figures.items():
        print(f"  {way:36s} {statistics.median(w for w, _ in runs):6.2f} s wall, "
              f"{statistics.median(c for _, c in runs):6.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
