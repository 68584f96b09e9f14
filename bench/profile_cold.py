#!/usr/bin/env python3
"""Where a cold build spends its time: a synthetic timeline (bench/synth.py)
built once under cProfile, in the main process and in each forked worker
(each worker's profile is written as it exits), then each process's top
functions printed, by own time and by cumulative time.

    .venv/bin/python bench/profile_cold.py [N] [--jobs J] [--top K] [--keep DIR]

N entries (default 10,000); --jobs as build.py's (default: one per core;
--jobs 1 profiles the whole build in one process). The output folder and
the cache are made in a temporary folder (on tmpfs where there is one) and
removed, as is the timeline, unless --keep names a folder for them.
cProfile slows Python code two to three times and C code not at all, so
read shares, not seconds."""
from __future__ import annotations

import argparse
import cProfile
import glob
import os
import pstats
import shutil
import sys
import tempfile
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import synth  # noqa: E402
from timeline.speedups import parallel  # noqa: E402


def profiled_workers(folder: str) -> None:
    """Each forked worker profiles itself and writes its profile as it
    exits (a worker ends by os._exit, which runs no exit handler)."""
    serve = parallel._serve

    def profiled(*args: Any) -> None:
        profile = cProfile.Profile()
        exit_now = os._exit

        def dump_then_exit(status: int) -> None:
            profile.disable()
            profile.dump_stats(os.path.join(folder, f"worker-{os.getpid()}.prof"))
            exit_now(status)

        os._exit = dump_then_exit  # type: ignore[assignment]
        profile.enable()
        serve(*args)

    parallel._serve = profiled  # type: ignore[assignment]


def show(path: str, title: str, top: int) -> None:
    stats = pstats.Stats(path)
    total = max((v[3] for v in stats.stats.values()), default=0.0)  # type: ignore[attr-defined]
    print(f"\n==== {title}: {total:.2f} s under the profiler")
    print(f"-- top {top} by own time")
    stats.sort_stats("tottime").print_stats(top)
    print(f"-- top {top} of the project's functions by cumulative time")
    stats.sort_stats("cumulative").print_stats(r"timeline|templates", top)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("size", nargs="?", type=int, default=10000)
    p.add_argument("--jobs", type=int, default=0)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--keep", help="a folder to keep the timeline, the site and the profiles in")
    args = p.parse_args()
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work = args.keep or tempfile.mkdtemp(prefix="timeline-profile-", dir=base)
    os.makedirs(work, exist_ok=True)
    try:
        timeline = os.path.join(work, "timeline")
        if not os.path.isdir(os.path.join(timeline, "content")):
            synth.generate(args.size, timeline, seed=1)
        profiles = os.path.join(work, "profiles")
        shutil.rmtree(profiles, ignore_errors=True)
        os.makedirs(profiles)
        for old in ("site", "cache"):
            shutil.rmtree(os.path.join(work, old), ignore_errors=True)
        profiled_workers(profiles)
        from timeline.cli import main as build
        profile = cProfile.Profile()
        profile.enable()
        status = build([
            "--content", os.path.join(timeline, "content"), "--seeds", os.path.join(timeline, "seeds"),
            "--out", os.path.join(work, "site"), "--cache", os.path.join(work, "cache"), "--jobs", str(args.jobs)])
        profile.disable()
        if status != 0:
            print(f"the build failed (exit status {status})", file=sys.stderr)
            return 1
        main_file = os.path.join(profiles, "main.prof")
        profile.dump_stats(main_file)
        show(main_file, "main process", args.top)
        for k, path in enumerate(sorted(glob.glob(os.path.join(profiles, "worker-*.prof")), key=os.path.getmtime)):
            show(path, f"forked worker {k + 1} (of the {'check' if k == 0 else 'render'} pool)", args.top)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
