#!/usr/bin/env python3
"""How much of real articles does `build.py capture` keep, beside stock
trafilatura, on a folder of real pages with their ground truth?

    .venv/bin/python bench/capture_real.py FOLDER [--limit N] [--json FILE] [--show N]

FOLDER is laid out as trafilatura's evaluation set is (the `tests/` folder
of its public repository): `evaldata.json` maps each page's address to
its `file` (found under `cache/` or `eval/`), the snippets of its article
text it must hold (`with`) and the snippets of furniture it must not
(`without`). Each page is captured as `capture` reads a saved page (its
charset, its facts, its text) and extracted by `trafilatura.extract` with
its defaults, in the same run. Printed, for each:

- sentences verified: the `with` snippets found in the text under the
  matching rules of the build (CONTRACT.md section 3), of all of them, and
  of those a reader of the page sees (in the page's visible text);
- precision: verified `with` / (verified `with` + `without` found);
- paragraphs not in the page: the text's paragraphs that are not, under
  the same rules, in the page's own text;
- duplicated paragraphs: paragraphs that the text holds more often than
  the page does;
- refused (no article found), crashes (any other exception), and the
  mean time per page.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import trafilatura  # noqa: E402

from timeline.commands import article, capture, webpage  # noqa: E402
from timeline.commands.files import CommandError  # noqa: E402
from timeline.check.verify import SourceText, normalise  # noqa: E402


@dataclass
class Score:
    pages: int = 0
    sentences: int = 0
    verified: int = 0
    visible: int = 0
    visible_verified: int = 0
    furniture_found: int = 0
    paragraphs: int = 0
    not_in_page: int = 0
    duplicated: int = 0
    refused: int = 0
    crashes: int = 0
    seconds: float = 0.0
    missed: list[str] = field(default_factory=list)

    def precision(self) -> float:
        return self.verified / (self.verified + self.furniture_found) if self.verified + self.furniture_found else 0.0


def ours(body: bytes, name: str) -> list[str]:
    page = webpage.decode_page(body, None, None, date.today(), name)
    _, extracted = capture.read_article(page)
    # Furniture lines (picture credits) are no text a quote may cite.
    furniture = {(n + 1) // 2 for n in extracted.furniture}
    return [p for n, p in enumerate(extracted.paragraphs, 1) if n not in furniture]


def stock(body: bytes, name: str) -> list[str]:
    return (trafilatura.extract(body) or "").splitlines()


def page_texts(body: bytes) -> SourceText:
    """The page's visible text: its lines as capture reads them, but the
    parts no reader sees."""
    page = webpage.decode_page(body, None, None, date.today(), "page")
    return SourceText(article.visible_text(page.text))


def score(run, name: str, body: bytes, item: dict, visible: SourceText, total: Score) -> None:
    total.pages += 1
    start = time.perf_counter()
    try:
        paragraphs = run(body, name)
    except (CommandError, article.NoArticle):
        paragraphs, refused = [], True
    except Exception as exc:   # a crash is what is counted here
        print(f"  crash: {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        paragraphs, refused = [], False
        total.crashes += 1
    else:
        refused = False
    total.seconds += time.perf_counter() - start
    total.refused += refused
    text = SourceText("\n\n".join(paragraphs))
    for snippet in item["with"]:
        seen = snippet in visible
        total.sentences += 1
        total.visible += seen
        if snippet in text:
            total.verified += 1
            total.visible_verified += seen
        elif seen:
            total.missed.append(f"{name}: {snippet[:80]}")
    total.furniture_found += sum(snippet in text for snippet in item["without"])
    counts: dict[str, int] = {}
    for paragraph in paragraphs:
        key = normalise(paragraph)
        if not key:
            continue
        total.paragraphs += 1
        # Word for word (white space, quotation marks and NFC aside), the
        # ellipsis of the quote rules not read as a gap.
        total.not_in_page += key not in visible.normalised
        counts[key] = counts.get(key, 0) + 1
    total.duplicated += sum(n - max(1, visible.normalised.count(key)) for key, n in counts.items()
                            if n > max(1, visible.normalised.count(key)))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", type=Path, help="trafilatura's tests/ folder (evaldata.json, cache/, eval/)")
    p.add_argument("--limit", type=int, default=0, help="only the first N pages (by address)")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--show", type=int, default=0, help="print N of the visible sentences capture missed")
    args = p.parse_args()
    truth = json.loads((args.folder / "evaldata.json").read_text(encoding="utf-8"))
    runs = {"capture": ours, "trafilatura": stock}
    totals = {name: Score() for name in runs}
    addresses = sorted(truth)[: args.limit or None]
    for n, address in enumerate(addresses, 1):
        item = truth[address]
        path = next((args.folder / sub / item["file"] for sub in ("cache", "eval")
                     if (args.folder / sub / item["file"]).is_file()), None)
        if path is None:
            continue
        body = path.read_bytes()
        try:
            visible = page_texts(body)
        except (CommandError, article.NoArticle):
            continue
        for name, run in runs.items():
            score(run, item["file"], body, item, visible, totals[name])
        if n % 100 == 0:
            print(f"  {n} pages", file=sys.stderr)
    print(f"{len(addresses)} pages of {args.folder}")
    header = (f"{'':12} {'verified':>16} {'of visible':>16} {'precision':>9} {'paragraphs':>10} {'not in page':>11} "
              f"{'duplicated':>10} {'refused':>7} {'crashes':>7} {'s/page':>7}")
    print(header)
    for name, s in totals.items():
        print(f"{name:12} {s.verified:>6}/{s.sentences:<5} {s.verified / max(1, s.sentences):5.1%} "
              f"{s.visible_verified:>6}/{s.visible:<5} {s.visible_verified / max(1, s.visible):5.1%} "
              f"{s.precision():9.3f} {s.paragraphs:>10} {s.not_in_page:>11} {s.duplicated:>10} {s.refused:>7} "
              f"{s.crashes:>7} {s.seconds / max(1, s.pages):7.3f}")
    for line in totals["capture"].missed[: args.show]:
        print(f"  missed: {line}")
    if args.json:
        args.json.write_text(json.dumps({name: asdict(s) for name, s in totals.items()}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
