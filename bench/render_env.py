#!/usr/bin/env python3
"""Is speedups/jinja.py worth keeping? Render every page of a synthetic
timeline in this one process with plain Jinja and with its overrides,
alternately, and print the medians and that the bytes are the same.

    .venv/bin/python bench/render_env.py [N] [--rounds R] [--language TAG]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import jinja2  # noqa: E402

import synth  # noqa: E402
from timeline.render.render import BUNDLED_TEMPLATES, Renderer, plan_site  # noqa: E402
from timeline.speedups.jinja import FastEnvironment  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("size", nargs="?", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--language", default=None, help="build the timeline in this language (default: the generated one's)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        timeline = synth.loaded_timeline(args.size, work, args.language)
        times: dict[str, list[float]] = {"plain Jinja": [], "speedups/jinja.py": []}
        outputs = {}
        for k in range(args.rounds):
            order = list(times) if k % 2 == 0 else list(reversed(times))
            for name in order:
                env = jinja2.Environment if name == "plain Jinja" else FastEnvironment
                renderer = Renderer(BUNDLED_TEMPLATES, "templates", env)
                renderer.use_static([])
                renderer.use_language(timeline.language)
                renderer.compile()
                # Planned anew: the views a page is given are made when first rendered.
                jobs = [j for j in plan_site(timeline, "") if j.template]
                start = time.perf_counter()
                pages = [job.bytes(renderer) for job in jobs]
                times[name].append(time.perf_counter() - start)
                outputs[name] = pages
        plain, fast = (statistics.median(times[n]) for n in times)
        print(f"{len(jobs)} pages of {args.size} entries, {args.rounds} rounds, one process (medians)")
        print(f"  plain Jinja:       {plain:.2f} s")
        print(f"  speedups/jinja.py: {fast:.2f} s ({fast / plain:.2f} of plain)")
        print(f"  same bytes: {outputs['plain Jinja'] == outputs['speedups/jinja.py']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
