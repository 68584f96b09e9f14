#!/usr/bin/env python3
"""What the exports cost a build: each file of exports.py made from a
synthetic timeline in this one process, beside timeline.json and the whole
render of its pages, and one entry's pieces as the quick rebuild makes them.

    .venv/bin/python bench/exports.py [N] [--rounds R]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import synth  # noqa: E402
from timeline.render import exports  # noqa: E402
from timeline.model.assemble import Folders, load_timeline  # noqa: E402
from timeline.render.pieces import Around, make  # noqa: E402
from timeline.render.render import BUNDLED_TEMPLATES, Renderer, plan_site, timeline_json  # noqa: E402
from timeline.speedups import FastEngine  # noqa: E402
from timeline.speedups import ical  # noqa: E402
from timeline.speedups.jinja import FastEnvironment  # noqa: E402


def _timelinejs(t) -> bytes:
    made = make(exports.TIMELINEJS, t, {})
    return b"".join(made.output(exports.TIMELINEJS, out) for out in exports.TIMELINEJS.outputs)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("size", nargs="?", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        synth.generate(args.size, work, seed=1)
        folders = Folders(Path(work, "content"), Path(work, "seeds"), "content", "seeds")
        engine = FastEngine(None, 1)
        t, problems = load_timeline(folders, engine=engine, memory=engine.open_memory())
        assert t is not None, problems.sorted()[:3]
        makers = {
            "timeline.json (for scale)": lambda: timeline_json(t),
            "timelinejs.json and .js": lambda: _timelinejs(t),
            "timeline.ics (icalendar)": lambda: exports.timeline_ics(t),
            "timeline.ics (speedups/ical)": lambda: exports.timeline_ics(t, ical.event_text),
            "entries.csv": lambda: exports.entries_csv(t),
            "quotes.csv": lambda: exports.quotes_csv(t),
            "figures.csv": lambda: exports.figures_csv(t),
        }
        times: dict[str, list[float]] = {name: [] for name in makers}
        sizes: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, make in makers.items():
                start = time.perf_counter()
                sizes[name] = len(make())
                times[name].append(time.perf_counter() - start)
        renderer = Renderer(BUNDLED_TEMPLATES, "templates", FastEnvironment)
        renderer.compile()
        jobs = plan_site(t, "")
        renderer.use_static(jobs)
        jobs = [j for j in jobs if j.template]
        start = time.perf_counter()
        for job in jobs:
            job.bytes(renderer)
        pages = time.perf_counter() - start
        entry = t.entries[len(t.entries) // 2]
        start = time.perf_counter()
        files = exports.entry_files(ical.event_text)
        shared = {file.name: file.shared(t, {}) for file in files}
        for _ in range(100):
            for file in files:
                file.piece(entry, Around(t.sources, t.settings, t.language, shared[file.name], None))
        one = (time.perf_counter() - start) / 100
        print(f"{args.size} entries, one process, median of {args.rounds}")
        for name in makers:
            print(f"  {name:28} {statistics.median(times[name]):6.3f} s  {sizes[name] / 1e6:6.1f} MB")
        exported = sum(statistics.median(times[n]) for n in makers if "scale" not in n and "(icalendar)" not in n)
        print(f"  {'all exports (a fast build)':28} {exported:6.3f} s")
        print(f"  {'every page rendered':28} {pages:6.3f} s  ({len(jobs)} pages)")
        print(f"  one entry's export pieces (the quick rebuild): {one * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
