#!/usr/bin/env python3
"""What the site's language costs when pages are rendered: every page of a
synthetic timeline rendered in this one process, five times, timed in CPU
seconds (steadier than wall time on a shared machine).

    .venv/bin/python bench/i18n_render.py [N] [--language TAG] [--tree PATH]

`--tree` renders with another checkout of the project (say, the commit
before the languages: `git worktree add /tmp/before COMMIT`), to compare.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("size", nargs="?", type=int, default=1000)
    p.add_argument("--language", default=None, help="build the timeline in this language")
    p.add_argument("--tree", type=Path, default=HERE.parent, help="the checkout to render with")
    args = p.parse_args()
    sys.path[:0] = [str(HERE), str(args.tree)]
    import synth
    from timeline.render.render import BUNDLED_TEMPLATES, Renderer, plan_site
    from timeline.speedups.jinja import FastEnvironment

    with tempfile.TemporaryDirectory() as work:
        timeline = synth.loaded_timeline(args.size, work, args.language)
        times = []
        for _ in range(5):
            renderer = Renderer(BUNDLED_TEMPLATES, "templates", FastEnvironment)
            renderer.use_static([])
            if hasattr(renderer, "use_language"):
                renderer.use_language(timeline.language)
            renderer.compile()
            jobs = [j for j in plan_site(timeline, "") if j.template]
            start = time.process_time()
            for job in jobs:
                job.bytes(renderer)
            times.append(time.process_time() - start)
        print(f"{args.tree}: {len(jobs)} pages of {args.size} entries"
              f"{' in ' + args.language if args.language else ''}: "
              f"CPU min {min(times):.3f} s, median {statistics.median(times):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
