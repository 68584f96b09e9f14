#!/usr/bin/env python3
"""What a search costs a reader, from disk, in Chromium: the split index
against the whole one it replaced.

    .venv/bin/python bench/search.py [--entries 10000] [--workdir DIR] [--keep] [--seed S]

Makes a synthetic timeline (bench/synth.py), builds it with build.py, opens
its home page from file:// in Chromium (/usr/bin/chromium, through
Playwright) and, for each query, in a fresh page: focuses the search box,
types the query key by key as a person does, and measures from the last
keystroke to the first results on screen (the list or the count changed)
and to every result listed (the box's data-state back to "ready"),
and the bytes of every file of the index the page loaded (the sizes of the
scripts it added: file:// has no transfer sizes). Prints, for comparison,
the size of the whole index (search-index.js as it was before the split,
made from the same checked timeline) that every search loaded before.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

# (what it stands for, the query as typed)
QUERIES = [
    ("one word", "curfew"),
    ("two words", "curfew almaty"),
    ("a rare word", "2,638"),
    ("a word that is not rare", "referendum"),
    ("a common word", "the"),
    ("an accented query", "Kraków"),
    ("a word inside words", "ransport"),
    ("a name with accents, unaccented", "zoe muller"),
]

TRACK = """() => {
  const box = document.getElementById('search');
  window.__last = 0; window.__ready = 0; window.__first = 0;
  document.getElementById('q').addEventListener('input', () => {
    window.__last = performance.now(); window.__ready = 0; window.__first = 0;
  }, true);
  const shown = () => { if (window.__last && !window.__first) { window.__first = performance.now(); } };
  for (const id of ['search-results', 'search-status']) {
    new MutationObserver(shown).observe(document.getElementById(id), {childList: true, subtree: true, characterData: true});
  }
  new MutationObserver(() => {
    if (box.dataset.state === 'ready') { window.__ready = performance.now(); }
  }).observe(box, {attributes: true, attributeFilter: ['data-state']});
}"""

LOADED = """() => Array.from(document.scripts).map(s => s.src).filter(Boolean)"""


def whole_index_bytes(content: Path, seeds: Path) -> int:
    """search-index.js as the build wrote it before the split: every entry's
    row, its body's folded words included."""
    from timeline.model.assemble import Folders, load_timeline
    from timeline.read.data import to_json, js_safe
    from timeline.engine import Engine
    from timeline.memory import Memory
    from timeline.read.names import href
    from timeline.render.views import listed_on, split_listing

    t, problems = load_timeline(Folders(content, seeds, str(content), str(seeds)), engine=Engine(), memory=Memory())
    assert t is not None, problems.sorted()
    where = listed_on(split_listing(t.entries, t.settings.page_size, t.language))
    tags = sorted({x for e in t.entries for x, _ in e.tag_links})
    people = sorted({p for e in t.entries for p, _ in e.people_links})
    groups = sorted({e.group_link[0] for e in t.entries if e.group_link})
    pages = sorted(set(where.values()))
    number = {name: {v: i for i, v in enumerate(values)}
              for name, values in (("pages", pages), ("tags", tags), ("people", people), ("groups", groups))}
    rows = []
    for e in t.entries:
        listed = where.get(e.slug)
        row = [e.slug, e.title, t.language.short(e.date), number["pages"][listed] if listed else -1, e.place or "",
               [number["tags"][x] for x, _ in e.tag_links], [number["people"][p] for p, _ in e.people_links],
               e.search_words, number["groups"][e.group_link[0]] if e.group_link else -1]
        if e.href != f"entries/{e.slug}.html":
            row.append(e.href)
        rows.append(to_json(row))
    head = to_json({"pages": [href(p) for p in pages], "tags": tags, "people": people, "groups": groups})
    text = "window.TIMELINE_SEARCH=" + head[:-1] + ',"rows":[\n' + ",\n".join(rows) + "\n]};\n"
    return len(js_safe(text).encode("utf-8"))


def measure(browser, site: Path, query: str) -> dict:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((site / "index.html").as_uri())
        home = {src for src in page.evaluate(LOADED)}
        page.evaluate(TRACK)
        page.click("#q")
        page.wait_for_function("() => document.getElementById('search').dataset.state === 'ready'")
        page.locator("#q").press_sequentially(query, delay=120)   # a brisk typist
        page.wait_for_function("() => window.__ready > window.__last && window.__last > 0", timeout=30000)
        first, elapsed = page.evaluate("() => [window.__first - window.__last, window.__ready - window.__last]")
        loaded = [src for src in page.evaluate(LOADED) if src not in home]
        sizes = [os.path.getsize(urllib.parse.unquote(urllib.parse.urlsplit(src).path)) for src in loaded]
        status = " ".join(page.text_content("#search-status").split())
        return {"first": first, "ms": elapsed, "bytes": sum(sizes), "files": len(sizes), "status": status, "errors": errors}
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="pages opened per query; the median is shown")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    from synth import generate
    from playwright.sync_api import sync_playwright

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    project = work / f"t{args.entries}"
    if not (project / "content").is_dir():
        generate(args.entries, str(project), seed=args.seed)
    site = project / "site"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--content", str(project / "content"), "--seeds",
                    str(project / "seeds"), "--out", str(site), "--no-cache"], check=True, capture_output=True)
    split = sum(f.stat().st_size for f in (site / "search").iterdir()) + (site / "search-index.js").stat().st_size
    whole = whole_index_bytes(project / "content", project / "seeds")
    home = (site / "index.html").stat().st_size
    print(f"{args.entries:,} entries: home page {home / 1000:.1f} kB (its script "
          f"{(site / 'static' / 'search.js').stat().st_size / 1000:.1f} kB); before the split every search loaded "
          f"the whole index, {whole / 1e6:.2f} MB; the split index is {split / 1e6:.2f} MB in "
          f"{len(list((site / 'search').iterdir())) + 1} files, its head {(site / 'search-index.js').stat().st_size / 1000:.1f} kB")
    print("From the last keystroke: the first results shown, then all of them listed (medians); what the page loaded")
    print(f"{'query':<34} {'typed':<14} {'first':>9} {'all':>9} {'loaded':>10} {'files':>6}  status")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            for what, query in QUERIES:
                runs = [measure(browser, site, query) for _ in range(args.rounds)]
                errors = [e for r in runs for e in r["errors"]]
                if errors:
                    raise SystemExit(f"{query!r}: console errors: {errors}")
                r = runs[0]
                print(f"{what:<34} {query:<14} {statistics.median(x['first'] for x in runs):>6.1f} ms "
                      f"{statistics.median(x['ms'] for x in runs):>6.1f} ms "
                      f"{r['bytes'] / 1000:>7.1f} kB {r['files']:>6}  {r['status']}")
        finally:
            browser.close()
    if not args.keep and args.workdir is None:
        import shutil
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
