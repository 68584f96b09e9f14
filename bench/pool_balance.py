#!/usr/bin/env python3
"""Does either process of the pool idle at the end? Cold builds of a
synthetic timeline (bench/synth.py) in this process, with a worker per
core, timing for each pool (the check pool, the render pool) its wall
time, how long the parent waited for the workers once its own chunks were
done, and how long the last worker had ended before the parent was done.
Then each kind of job's rendering cost in one process (CPU time, the least
of the rounds: the pool's order is chosen from these costs).

    .venv/bin/python bench/pool_balance.py [N] [--rounds R] [--jobs J] [--project DIR]

--project DIR builds that project (its content/ and seeds/) instead of a
generated one, with the program of this copy of the repository or of
--program DIR (another worktree, for a before and after). The site and
the cache are made in a temporary folder and removed."""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("size", nargs="?", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--jobs", type=int, default=0)
    p.add_argument("--project", help="a project to build instead of a generated one")
    p.add_argument("--program", default=os.path.dirname(HERE), help="the copy of the program to build with")
    args = p.parse_args()
    sys.path.insert(0, os.path.abspath(args.program))
    import synth  # noqa: E402  (bench/synth.py, of this copy)
    from timeline.speedups import parallel  # noqa: E402

    pools: list[dict[str, Any]] = []
    real_select = parallel.select.select
    real_ended = parallel._Child._ended
    real_run = parallel.run

    def timed_select(*a: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_select(*a)
        finally:
            pools[-1]["waited"] += time.perf_counter() - start

    def ended(child: Any) -> None:
        pools[-1]["ended"] = time.perf_counter()
        real_ended(child)

    def run(task: Any, *a: Any, **k: Any) -> list:
        pools.append({"task": task.__name__, "waited": 0.0, "ended": None})
        start = time.perf_counter()
        out = real_run(task, *a, **k)
        end = time.perf_counter()
        pool = pools[-1]
        pool["wall"] = end - start
        pool["idle"] = end - pool["ended"] if pool["ended"] is not None else 0.0
        return out

    parallel.select.select = timed_select
    parallel._Child._ended = ended  # type: ignore[method-assign, assignment]
    parallel.run = run
    from timeline.cli import main as build

    work = tempfile.mkdtemp(prefix="timeline-balance-")
    try:
        project = args.project
        if project is None:
            project = os.path.join(work, "t")
            synth.generate(args.size, project, seed=1)
        content, seeds = os.path.join(project, "content"), os.path.join(project, "seeds")
        print(f"{args.program}: cold builds of {project}, {args.jobs or parallel.cores()} processes")
        for k in range(args.rounds):
            for folder in ("site", "cache"):
                shutil.rmtree(os.path.join(work, folder), ignore_errors=True)
            pools.clear()
            start, cpu = time.perf_counter(), os.times()
            if build(["--content", content, "--seeds", seeds, "--out", os.path.join(work, "site"),
                      "--cache", os.path.join(work, "cache"), "--jobs", str(args.jobs)]) != 0:
                return 1
            done = os.times()
            used = sum(done[:4]) - sum(cpu[:4])
            print(f"round {k + 1}: {time.perf_counter() - start:.2f} s wall, {used:.2f} s CPU")
            for pool in pools:
                print(f"  {pool['task']}: {pool['wall']:.2f} s; the parent waited {pool['waited']:.2f} s at the end,"
                      f" the last worker had ended {pool['idle']:.2f} s before it")
        _job_costs(content, seeds, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _job_costs(content: str, seeds: str, rounds: int) -> None:
    """Each template's pages and each whole-timeline file rendered in this
    process, by a fresh renderer each round; the least CPU time of the rounds."""
    from pathlib import Path
    from timeline.model.assemble import Folders, load_timeline
    from timeline.render.render import BUNDLED_TEMPLATES, Renderer, plan_site
    from timeline.speedups import FastEngine
    from timeline.speedups.jinja import FastEnvironment

    engine = FastEngine(None, 1)
    t, problems = load_timeline(Folders(Path(content), Path(seeds), "content", "seeds"),
                                engine=engine, memory=engine.open_memory())
    assert t is not None, problems.sorted()[:3]
    least: dict[str, float] = collections.defaultdict(lambda: float("inf"))
    for _ in range(rounds):
        renderer = Renderer(BUNDLED_TEMPLATES, "templates", FastEnvironment)
        renderer.use_static([])
        renderer.use_language(t.language)
        renderer.compile()
        spent: dict[str, float] = collections.defaultdict(float)
        for job in plan_site(t, "", engine.ics_event):
            start = time.process_time()
            job.bytes(renderer)
            spent[job.template or job.path] += time.process_time() - start
        for name, cpu in spent.items():
            least[name] = min(least[name], cpu)
    print(f"rendering in one process, the least CPU time of {rounds} rounds:")
    for name, cpu in sorted(least.items(), key=lambda item: -item[1]):
        if cpu >= 0.01:
            print(f"  {cpu:6.3f} s  {name}")
    print(f"  {sum(least.values()):6.3f} s  in all")


if __name__ == "__main__":
    sys.exit(main())
