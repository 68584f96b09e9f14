#!/usr/bin/env python3
"""Benchmark: the live preview's edit-to-screen time, beside `hugo server`.

    python bench/serve.py [--sizes 1000,10000] [--edits 12] [--no-hugo]

For each size, a synthetic timeline (bench/synth.py, with the same entries
as a Hugo site) is served by `build.py serve` and one of its entry pages
opened in Chromium. Each edit is saved as editors save (a new file renamed
over the old) and timed from the write to the moment the changed text is
on the screen of the open page (a MutationObserver in the page notes the
time; the stylesheet's by its computed style), three kinds:

  body        a sentence added to the entry's Markdown body
  title       the entry's title changed (its front matter: more pages),
              timed until both the entry's page and the listing page that
              shows it (open in a second tab) show the new title
  date        the entry's date moved to another day of its month (its
              place in the timeline, its neighbours' links: the full
              rebuild), timed until the entry's page shows the new date
  stylesheet  static/style.css changed

The server's own "rebuilt in N ms" lines are kept beside them. Then
`hugo server` (fast render mode, rendering to memory) serves the Hugo copy
of the same entries, and the same body, title and date edits are timed by its
"Total in N ms" lines: its rebuild alone, without the trip to the browser.
Medians, with the spread. The serve process's CPU while idle is measured too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

import synth  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serve_support import Served, write_by_rename, write_in_place  # noqa: E402

SEEN = """token => new Promise(resolve => {
  window.__seen = null;
  const done = () => { if (window.__seen === null && document.body.textContent.includes(token)) {
    window.__seen = performance.timeOrigin + performance.now(); observer.disconnect(); } };
  const observer = new MutationObserver(done);
  observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true});
  window.addEventListener('load', done);
  resolve();
})"""
DATED = """iso => new Promise(resolve => {
  window.__seen = null;
  const done = () => { const time = document.querySelector('time[datetime]');
    if (window.__seen === null && time && time.getAttribute('datetime') === iso) {
      window.__seen = performance.timeOrigin + performance.now(); observer.disconnect(); } };
  const observer = new MutationObserver(done);
  observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                               attributes: true, attributeFilter: ['datetime']});
  window.addEventListener('load', done);
  resolve();
})"""
STYLED = """value => new Promise(resolve => {
  window.__seen = null;
  const look = () => {
    if (getComputedStyle(document.documentElement).getPropertyValue('--bench').trim() === value) {
      window.__seen = performance.timeOrigin + performance.now(); return; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  resolve();
})"""


def middle_entry(project: Path) -> Path:
    """The entry nearest the middle whose date is a day (no time, no end),
    so that a date edit may move it to any other day of its month."""
    files = sorted(p for p in (project / "content").rglob("*.md") if p.name != "_index.md")
    middle = len(files) // 2
    for _, path in sorted((abs(k - middle), path) for k, path in enumerate(files)):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^date: \"?\d{4}-\d\d-\d\d\"?$", text, flags=re.M) and not re.search(r"^end:", text, flags=re.M):
            return path
    raise RuntimeError("no entry dated by a day alone")


def moved_date(text: str, i: int) -> tuple[str, str]:
    """The text with its front matter's date moved to another day of its
    month (the i-th edit's), and that date as ISO."""
    match = re.search(r"^date: \"?(\d{4})-(\d\d)-(\d\d)\"?$", text, flags=re.M)
    if match is None:
        raise RuntimeError("no date: YYYY-MM-DD line in the entry (middle_entry picks one)")
    year, month, day = match.group(1), match.group(2), int(match.group(3))
    new_day = (day + i) % 28 + 1
    iso = f"{year}-{month}-{new_day:02d}"
    return text[:match.start(1)] + iso + text[match.end(3):], iso


def listing_page(site: Path, slug: str) -> str:
    """The listing page that shows an entry's card (its id is the slug)."""
    for path in [site / "index.html", *sorted((site / "archive").glob("*.html"))]:
        if f'<article id="{slug}"'.encode() in path.read_bytes():
            return path.relative_to(site).as_posix()
    raise RuntimeError(f"no listing page shows {slug}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f}, n={len(values)})"


def time_edits(pages: list, served: Served, kind: str, entry: Path, edits: int) -> tuple[list[float], list[float]]:
    """Edit-to-screen times (until every page in `pages` shows it; a title
    edit is watched on the entry's page and its listing page, the others
    on the entry's page) and the server's rebuild times, in ms."""
    shown, rebuilt = [], []
    original = entry.read_text(encoding="utf-8")
    css = served.project / "static" / "style.css"
    css_original = css.read_text(encoding="utf-8")
    for i in range(edits):
        token = f"benchtoken{kind}{i}x{time.monotonic_ns() % 100000}"
        watched = pages if kind == "title" else pages[:1]
        iso = ""
        if kind == "date":
            text, iso = moved_date(original, i)
        for page in watched:
            if kind == "stylesheet":
                page.evaluate(STYLED, f'"{token}"')
            elif kind == "date":
                page.evaluate(DATED, iso)
            else:
                page.evaluate(SEEN, token)
        if kind == "stylesheet":
            text = css_original + f'\n:root {{ --bench: "{token}"; }}\n'
            target = css
        elif kind == "title":
            text = re.sub(r"^title: (.*)$", lambda m: f"title: {token} {m.group(1)}", original, count=1,
                          flags=re.M)
            target = entry
        elif kind == "date":
            target = entry
        else:
            text = original.rstrip("\n") + f"\n\nA sentence added, {token}.\n"
            target = entry
        lines = len(served.err_lines)
        started = time.time() * 1000
        write_by_rename(target, text)
        seen = []
        for page in watched:
            page.wait_for_function("() => window.__seen !== null", timeout=60_000)
            seen.append(page.evaluate("() => window.__seen"))
        shown.append(max(seen) - started)
        took = reported_ms(served.err_lines, lines, r"rebuilt in (\d+) ms", 30)
        if took is not None:
            rebuilt.append(took)
        time.sleep(0.3)
    write_by_rename(entry, original)
    write_in_place(css, css_original)
    settle(served)
    return shown, rebuilt


def settle(served: Served, quiet: float = 2.0) -> None:
    """Until the server has printed nothing for `quiet` seconds: the
    rebuilds of the restored files are done."""
    seen, since = len(served.err_lines), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.1)
        if len(served.err_lines) != seen:
            seen, since = len(served.err_lines), time.monotonic()


def reported_ms(lines: list[str], after: int, pattern: str, wait: float) -> float | None:
    """The last time a server printed (its own figure in ms) in the lines
    after `after`, waiting up to `wait` seconds for one."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [m for m in (re.search(pattern, line) for line in lines[after:]) if m]
        if found:
            return float(found[-1].group(1))
        time.sleep(0.01)
    return None


def idle_cpu(served: Served, seconds: float = 10) -> float:
    """Per cent of one core the serve process used while nothing changed."""
    before, start = cpu_seconds(served.proc.pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds(served.proc.pid) - before) / (time.monotonic() - start)


def hugo_rebuilds(hugo: str, site: Path, edits: int, name: str) -> dict[str, list[float]]:
    """`hugo server`'s own "Total in N ms" after each body, title and
    date edit, by kind."""
    proc = subprocess.Popen([hugo, "server", "--source", str(site), "--bind", "127.0.0.1", "--port", "0",
                             "--disableLiveReload", "--quiet=false"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: [lines.append(line) for line in proc.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 300
        while not any("Web Server is available" in line for line in lines):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("hugo server did not start:\n" + "".join(lines[-20:]))
            time.sleep(0.1)
        post = site / "content" / "posts" / name   # the Hugo copy of the entry edited in ours
        original = post.read_text(encoding="utf-8")
        times: dict[str, list[float]] = {"body": [], "title": [], "date": []}
        for kind, times_of_kind in times.items():
            for i in range(edits):
                seen = len(lines)
                if kind == "body":
                    text = original.rstrip("\n") + f"\n\nA sentence added, hugo{i}.\n"
                elif kind == "date":
                    text = moved_date(original, i)[0]
                else:
                    text = re.sub(r'^title: "', f'title: "hugo{i} ', original, count=1, flags=re.M)
                write_by_rename(post, text)
                took = reported_ms(lines, seen, r"Total in (\d+) ms", 60)
                if took is not None:
                    times_of_kind.append(took)
                time.sleep(0.5)
            write_by_rename(post, original)
            time.sleep(1)
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


def run_size(n: int, args, browser, hugo: str | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"serve-bench-{n}-"))
    try:
        project = work / "project"
        synth.generate(n, str(project), seed=1, hugo=str(work / "hugo") if hugo else None)
        shutil.copytree(REPO / "static", project / "static")
        entry = middle_entry(project)
        result = {"n": n}
        with Served(project) as served:
            served.wait_build(after=0, timeout=600)
            first = [line for line in served.err_lines if line.startswith("built in")]
            result["first build"] = first[-1].strip() if first else "?"
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            pages = []
            for path in ("entries/" + entry.stem + ".html", listing_page(project / "site", entry.stem)):
                page = context.new_page()
                page.goto(served.url + path, wait_until="load")
                page.wait_for_function("() => document.querySelector('script[data-build]') !== null")
                pages.append(page)
            # The entry's page in front (a page behind it gets no animation frames).
            pages[0].bring_to_front()
            pages[0].wait_for_timeout(500)
            for kind in ("body", "title", "date", "stylesheet"):
                shown, rebuilt = time_edits(pages, served, kind, entry, args.edits)
                result[kind] = shown
                result[kind + " rebuild"] = rebuilt
                print(f"[{n}] {kind}: on screen {spread(shown)}; server's rebuild {spread(rebuilt)}", flush=True)
                print(f"[{n}]   each, on screen: {', '.join(f'{v:.0f}' for v in shown)}", flush=True)
            context.close()
            settle(served)
            # The collection the preview makes once idle (serve/collector.py) is
            # over by then: the figure is of a preview waiting for a save.
            time.sleep(5)
            result["idle cpu %"] = idle_cpu(served)
            print(f"[{n}] idle CPU: {result['idle cpu %']:.2f} % of a core", flush=True)
        if hugo:
            for kind, times in hugo_rebuilds(hugo, work / "hugo", args.edits, entry.name).items():
                result["hugo " + kind] = times
                print(f"[{n}] hugo server, {kind} edit: rebuild {spread(times)}", flush=True)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--edits", type=int, default=12, help="edits of each kind (at least 10 for a median)")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and hugo is None:
        print("hugo not found (apt-get install hugo), or pass --no-hugo", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        for n in (int(s) for s in args.sizes.split(",")):
            results.append(run_size(n, args, browser, hugo))
        browser.close()
    print()
    print("| entries | body edit, on screen | title edit, on screen (entry and listing page) | "
          "date edit, on screen | stylesheet, on screen | hugo server rebuild (body) | hugo server rebuild (title) | "
          "hugo server rebuild (date) | idle CPU |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        med = lambda key: f"{statistics.median(r[key]):.0f} ms" if r.get(key) else "-"   # noqa: E731
        print(f"| {r['n']:,} | {med('body')} | {med('title')} | {med('date')} | {med('stylesheet')} | "
              f"{med('hugo body')} | {med('hugo title')} | {med('hugo date')} | {r['idle cpu %']:.2f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
