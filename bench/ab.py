#!/usr/bin/env python3
"""Two versions of build.py beside Hugo, in one run: is a change as fast
as the version before it?

    python bench/ab.py OLD_DIR NEW_DIR [--size 10000] [--rounds 4] [--no-hugo]

OLD_DIR and NEW_DIR each hold a build.py (e.g. `git worktree add /tmp/old
REV`). For the same synthetic timeline (bench/synth.py), each round makes
a cold build with each version and Hugo, in an order that turns each
round (every one goes first as often: the first build of a round is the
slower), then a one-entry edit rebuild with each version. Printed: the
medians (wall time, and the CPU time of the whole process tree, which
varies less on a busy machine), each version's median ratio to Hugo's
build of the same round, and the ratio of the two. Each is measured as bench/run.py measures,
the last sites moved aside, not deleted, before each build (run.set_aside).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402  (bench/run.py: measure, settle, set_aside, kept_tree, snapshot_project)
import synth  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--size", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--no-hugo", action="store_true")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args(argv)
    hugo = None if args.no_hugo else shutil.which("hugo")
    work = tempfile.mkdtemp(prefix="timeline-ab-")
    try:
        return _run(args, work, hugo)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args, work: str, hugo: str | None) -> int:
    n = args.size
    d = os.path.join(work, "t")
    synth.generate(n, d, seed=1, hugo=os.path.join(d, "hugo") if hugo else None)
    versions = {name: run.snapshot_project(os.path.abspath(folder), os.path.join(work, name), args.python)
                for name, folder in (("old", args.old), ("new", args.new))}
    content, seeds = os.path.join(d, "content"), os.path.join(d, "seeds")
    files = run.entry_files(content)
    logs = os.path.join(work, "logs")
    os.makedirs(logs)
    who = ["old", "new"] + (["hugo"] if hugo else [])
    rows: list[dict] = []
    for k in range(args.rounds):
        row: dict = {}
        order = who[k % len(who):] + who[: k % len(who)]
        for name in order:
            out = os.path.join(work, f"out-{name}")
            # Moved aside, not deleted (run.set_aside): no build pays for another's deletions.
            for left in (out, os.path.join(work, f"cache-{name}"), run.kept_tree(out)):
                run.set_aside(left, os.path.join(work, "set-aside"))
            run.settle()
            if name == "hugo":
                cmd = [hugo, "--quiet", "-s", os.path.join(d, "hugo"), "-d", out,
                       "--cacheDir", os.path.join(work, "hugo-cache")]
            else:
                cmd = _ours(args.python, versions[name], content, seeds, out, os.path.join(work, f"cache-{name}"))
            r = run.measure(cmd, d, os.path.join(logs, f"{name}{k}"), 0, args.timeout)
            if r["rc"] != 0:
                print(f"{name} exited {r['rc']}:\n{run.tail(r['stderr'])}", file=sys.stderr)
                return 1
            row[name] = r["wall"]
            row[f"{name}_cpu"] = r["user"] + r["sys"]
        for name in ("old", "new"):
            path = files[(len(files) // 2 + 7919 * k) % len(files)]
            with open(path, "a", encoding="utf-8", newline="\n") as f:
                f.write(f"\nA sentence added by the benchmark, round {k}, for {name}.\n")
            cmd = _ours(args.python, versions[name], content, seeds, os.path.join(work, f"out-{name}"),
                        os.path.join(work, f"cache-{name}"))
            r = run.measure(cmd, d, os.path.join(logs, f"{name}-edit{k}"), 0, args.timeout)
            row[f"{name}_edit"] = r["wall"]
        rows.append(row)
        print(f"round {k + 1}: " + ", ".join(f"{key} {value:.2f}s" for key, value in row.items()), file=sys.stderr)
    med = lambda key: statistics.median(r[key] for r in rows)
    print(f"{n} entries, {args.rounds} rounds (medians)")
    for name in ("old", "new"):
        line = f"  {name}: cold {med(name):.2f}s (CPU {med(name + '_cpu'):.2f}s), edit {med(name + '_edit'):.2f}s"
        if hugo:
            ratio = statistics.median(r[name] / r["hugo"] for r in rows)
            edit = statistics.median(r[name + "_edit"] / r["hugo"] for r in rows)
            line += f", cold/Hugo {ratio:.2f}, edit/Hugo {edit:.3f}"
        print(line)
    if hugo:
        print(f"  hugo: {med('hugo'):.2f}s (CPU {med('hugo_cpu'):.2f}s)")
        old = statistics.median(r["old"] / r["hugo"] for r in rows)
        new = statistics.median(r["new"] / r["hugo"] for r in rows)
        print(f"  new/old ratio to Hugo: {new / old:.2f} (limit 1.1)")
    print(f"  new/old cold, median of rounds: {statistics.median(r['new'] / r['old'] for r in rows):.2f}")
    return 0


def _ours(python: str, project: str, content: str, seeds: str, out: str, cache: str) -> list[str]:
    return [python, os.path.join(project, "build.py"), "--content", content, "--seeds", seeds,
            "--out", out, "--cache", cache]


if __name__ == "__main__":
    sys.exit(main())
