#!/usr/bin/env python3
"""How long do misquotes take to explain? 500 quotes, each one word off a
sentence of five sources of 10 KB, checked (and each miss explained: the
source's nearest words and where they part) by the build's own checker.

    .venv/bin/python bench/misquotes.py [--quotes 500] [--kb 50]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timeline.check.check import EntryChecker  # noqa: E402
from timeline.errors import Problems  # noqa: E402
from timeline.read.sources import load_sources  # noqa: E402

WORDS = ("council bridge mayor river protest police arrested people city minister said report crowd "
         "square night morning government troops official statement data figures hundreds thousands").split()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quotes", type=int, default=500)
    p.add_argument("--kb", type=int, default=50)
    args = p.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as work:
        seeds, content = Path(work, "seeds"), Path(work, "content")
        seeds.mkdir()
        content.mkdir()
        sentences: dict[str, list[str]] = {}
        yaml = []
        for s in range(5):
            lines, size = [], 0
            while size < args.kb * 1024 // 5:
                line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                lines.append(line)
                size += len(line) + 1
            (seeds / f"s{s}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            sentences[f"s{s}"] = lines
            yaml.append(f"s{s}:\n  file: s{s}.txt\n  publisher: P\n  title: T\n  published: 2021-01-01\n")
        (seeds / "sources.yaml").write_text("".join(yaml), encoding="utf-8")
        for q in range(args.quotes):
            sid = f"s{q % 5}"
            words = rng.choice(sentences[sid]).split()
            words[rng.randrange(len(words))] = "zebra"
            (content / f"q{q}.md").write_text(
                f"---\ntitle: t\ndate: 2021-03-05\nsources: [{sid}]\nquotes:\n"
                f"  - text: \"{' '.join(words)}\"\n    by: X\n    source: {sid}\n---\n", encoding="utf-8")
        problems = Problems()
        sources = load_sources(seeds, "seeds", "UTC", problems)
        checker = EntryChecker(content, "content", "UTC", sources)
        start = time.perf_counter()
        checked = [checker.check(f"q{q}.md") for q in range(args.quotes)]
        took = time.perf_counter() - start
        explained = sum('parting at "zebra"' in str(p) for c in checked for p in c.problems.items)
        print(f"{args.quotes} misquotes against {args.kb} KB of sources: {took:.2f} s "
              f"({explained} explained with the word where they part; the limit is 5 s)")
        print("e.g.", next(str(p) for c in checked for p in c.problems.items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
