"""The build cache (--cache DIR / --no-cache) and the parallel build (--jobs).

Every test builds private copies of tests/fixtures/basic with build.py (a
subprocess, as a user would) and its own cache folder under tmp_path, and
judges the result by the output alone: the cache may make a build faster,
never different. The rules (issue 5):

- the output with and without the cache is byte-identical, and so is the
  output of one worker process and of several;
- an edit rebuilds only what depends on it (unchanged output files keep
  their modification time); a template or source edit rebuilds what uses it;
- a corrupt or foreign cache is ignored and replaced, never trusted;
- change detection may look at size and modification time first, but a
  file changed within one clock tick of the build (assemble.CLOCK_TICK_NS)
  is hashed again on the next build;
- `check` may read the cache but never writes it.

Every build passes --cache or --no-cache, so that nothing is written to the
default .cache/ of the repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import REPO, build, copy_fixture, problems, read_page, snapshot, tree
from timeline.read.entry import Entry
from timeline.speedups.cache import record_codec

WRITTEN = re.compile(r"^built .*: (\d+) entries(?: \(\d+ drafts? left out\))?, (\d+) files \((\d+) written, (\d+) removed\)$", re.M)


# ---------------------------------------------------------------- helpers

def ok(result):
    """The result of a successful build or check, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    return result


def cached_build(project: Path, out: Path, cache: Path, *extra: str):
    return build(project, out, "--cache", cache, *extra)


def counts(stderr: str) -> tuple[int, int, int, int]:
    """(entries, files, written, removed) from the last line of a build."""
    found = WRITTEN.findall(stderr)
    assert found, stderr
    return tuple(int(x) for x in found[-1])  # type: ignore[return-value]


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def problem_lines(stderr: str) -> list[str]:
    """The PATH:LINE: error/warning lines, as printed."""
    return [line for line in stderr.splitlines() if problems(line)]


def assert_same_site(got: Path, expected: Path) -> None:
    """Byte-identical trees: the same files and folders, the same bytes."""
    assert tree(got) == tree(expected)
    a, b = snapshot(got), snapshot(expected)
    assert sorted(a) == sorted(b)
    differ = [path for path in a if a[path] != b[path]]
    assert not differ, f"files that differ from {expected}: {differ}"


def assert_untouched_unless_changed(before: dict[str, bytes], before_times: dict[str, int], site: Path) -> set[str]:
    """Every file whose bytes did not change kept its modification time.

    Returns the files whose bytes changed (or that are new)."""
    after, after_times = snapshot(site), mtimes(site)
    changed = {p for p in after if before.get(p) != after[p]}
    touched = {p for p in after if p in before_times and after_times[p] != before_times[p] and p not in changed}
    assert not touched, f"rewritten although unchanged: {sorted(touched)}"
    return changed


def set_mtime_ns(path: Path, mtime_ns: int) -> None:
    os.utime(path, ns=(path.stat().st_atime_ns, mtime_ns))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entry_page(site: Path, slug: str) -> str:
    return (site / "entries" / f"{slug}.html").read_text(encoding="utf-8")


def neighbours(site: Path, slug: str) -> set[str]:
    """Site paths of the previous and next entry pages of an entry page."""
    page = read_page(site, f"entries/{slug}.html")
    out = set()
    for a in page.root.find_all("a"):
        if a.attrs.get("rel") in ("prev", "next"):
            out.add("entries/" + a.attrs["href"].rsplit("/", 1)[-1])
    return out


def load_cache(folder: Path):
    """The cache as build.py would load it (in this process)."""
    from timeline.speedups.cache import BuildCache
    return BuildCache.open(folder)


ENTRY_FILES = {
    "2020-background.md", "2021-03-27-night.md", "2021-03-28-closure-span.md", "2021-03-28-mayor.md",
    "2021-10-31-overlap.md", "2021-draft.md", "2021-month.md", "2021/2021-03-26-vote.md",
    "2021/2021-04-05-färja.md", "2021/extra/2021-04-02-cafe.md",
}


def assert_valid_cache(folder: Path) -> None:
    """cache.json is a cache this program reads back in full, and nothing else is left."""
    assert (folder / "cache.json").is_file()
    first = (folder / "cache.json").read_text(encoding="utf-8").splitlines()[0]
    from timeline.speedups.cache import code_version
    cache = load_cache(folder)
    assert json.loads(first) == {"format": cache.salt}
    assert set(cache.entries) == ENTRY_FILES
    assert "index.html" in cache.pages and "entries/2020-background.html" in cache.pages
    # each entry's part of timeline.json travels with its checked data
    decode = record_codec(Entry)[1]
    assert all(decode(item[3]["entry"]).data_json for item in cache.entries.values() if item[3]["entry"])
    assert code_version() in cache.salt
    leftovers = [p.name for p in folder.iterdir() if p.name not in ("cache.json", "manifest.json", "manifest.log", "placed.json", ".gitignore")]
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert not leftovers, f"left in the cache folder: {leftovers}"


# ---------------------------------------------------------------- a larger timeline

ENTRY = """---
title: "Generated entry {i}: the bridge, week {week}"
date: {date}
place: Pier {pier}
tags: [bridge, batch {batch}]
people: [Jon Berg, Person {person}]
sources:
  - id: gazette
    passage: Residents said the closure would split the town in two.
  - id: radio
    passage: He said 3,500 people used the bridge daily.
quotes:
  - text: a disgrace
    by: Jon Berg
    source: radio
figures:
  - what: Daily crossings
    value: 3500
    unit: people
    source: radio
    passage: He said 3,500 people used the bridge daily.
---
Entry number {i} of a generated batch; it follows [the vote](../../2021/2021-03-26-vote.md).
The town *argued* about it for weeks.
"""


def make_large(dest: Path, count: int = 150) -> Path:
    """The basic fixture plus `count` generated entries (enough for the
    process pool: parallel.run pools checks from 64 items, renders from 32)
    and a page size that splits the home page into year and month pages."""
    project = copy_fixture(dest)
    replace_in(project / "content" / "_index.md", "page_size: 500", "page_size: 40")
    start = date(2022, 1, 1)
    for i in range(count):
        day = start + timedelta(days=2 * i)
        folder = project / "content" / "gen" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{day.isoformat()}-gen-{i:03d}.md").write_text(
            ENTRY.format(i=i, week=i // 4, date=day.isoformat(), pier=i % 5, batch=i % 7, person=i % 3),
            encoding="utf-8")
    return project


# ---------------------------------------------------------------- 1. with and without the cache

def test_output_is_identical_with_and_without_the_cache(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache = tmp_path / "cache"
    a, b, c = tmp_path / "A", tmp_path / "B", tmp_path / "C"

    no_cache = ok(build(project, a, "--no-cache", cwd=tmp_path))
    assert not (tmp_path / ".cache").exists(), "--no-cache wrote the default cache folder"
    cold = ok(cached_build(project, b, cache))
    assert (cache / "cache.json").is_file()
    warm = ok(cached_build(project, c, cache))      # the cache of B, a new output folder

    assert_same_site(b, a)
    assert_same_site(c, a)
    assert counts(cold.stderr)[:2] == counts(no_cache.stderr)[:2] == counts(warm.stderr)[:2]
    assert problem_lines(cold.stderr) == problem_lines(no_cache.stderr) == problem_lines(warm.stderr)

    # Warm again into B: nothing to write, nothing touched.
    before = mtimes(b)
    again = ok(cached_build(project, b, cache))
    assert counts(again.stderr)[2:] == (0, 0)
    assert mtimes(b) == before
    assert_same_site(b, a)


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path):
    """A cache poisoned with well-formed but false data: --no-cache
    must not read it (nor rewrite it)."""
    project = copy_fixture(tmp_path / "project")
    cache = tmp_path / "cache"
    ok(build(project, tmp_path / "ref", "--no-cache"))
    ok(cached_build(project, tmp_path / "site", cache))
    lines = (cache / "cache.json").read_text(encoding="utf-8").splitlines()
    poisoned = []
    for line in lines[1:]:
        table, key, item = json.loads(line)
        if table == "e" and item[3]["entry"]:
            encode, decode = record_codec(Entry)
            entry = decode(item[3]["entry"])
            entry.data_json = entry.data_json.replace('"title":"', '"title":"POISON ')
            item[3]["entry"] = encode(entry)
        poisoned.append(json.dumps([table, key, item], ensure_ascii=False))
    (cache / "cache.json").write_text("\n".join([lines[0], *poisoned]) + "\n", encoding="utf-8")
    stamp = (cache / "cache.json").read_bytes(), (cache / "cache.json").stat().st_mtime_ns

    ok(build(project, tmp_path / "out", "--cache", cache, "--no-cache"))
    assert_same_site(tmp_path / "out", tmp_path / "ref")
    assert b"POISON" not in (tmp_path / "out" / "timeline.json").read_bytes()
    assert ((cache / "cache.json").read_bytes(), (cache / "cache.json").stat().st_mtime_ns) == stamp


# ---------------------------------------------------------------- 2. --jobs

def test_one_and_two_workers_give_identical_output(tmp_path):
    project = make_large(tmp_path / "project")
    one, two, ref = tmp_path / "one", tmp_path / "two", tmp_path / "ref"

    r1 = ok(cached_build(project, one, tmp_path / "cache1", "--jobs", "1"))
    r2 = ok(cached_build(project, two, tmp_path / "cache2", "--jobs", "2"))
    ok(build(project, ref, "--no-cache", "--jobs", "2"))
    entries, files, _, _ = counts(r2.stderr)
    assert entries >= 150 and files >= 150, r2.stderr   # enough for the pool (64 checks, 32 renders)
    assert any(p.startswith("archive/") for p in snapshot(one)), "page_size should split the listing"
    assert problem_lines(r1.stderr) == problem_lines(r2.stderr)
    assert_same_site(one, two)
    assert_same_site(two, ref)

    # A seed edit invalidates every check: the warm builds re-check all
    # entries (in the pool with --jobs 2) and must still agree.
    with open(project / "seeds" / "gazette.txt", "a", encoding="utf-8") as f:
        f.write("\nA paragraph added after the capture.\n")
    r1 = ok(cached_build(project, one, tmp_path / "cache1", "--jobs", "1"))
    r2 = ok(cached_build(project, two, tmp_path / "cache2", "--jobs", "2"))
    shutil.rmtree(ref)
    ok(build(project, ref, "--no-cache", "--jobs", "1"))
    assert counts(r1.stderr)[2:] == counts(r2.stderr)[2:]
    assert_same_site(one, two)
    assert_same_site(two, ref)
    assert "A paragraph added after the capture." in (two / "sources" / "gazette.html").read_text(encoding="utf-8")


def test_a_first_build_writes_its_cache_while_rendering_and_a_failed_one_leaves_none(tmp_path):
    # The checked entries of a first build are written to a temporary file
    # while the pool renders (BuildCache.begin_save); the file becomes the
    # cache only when the build succeeds.
    project = make_large(tmp_path / "project")
    templates = project / "templates"
    shutil.copytree(REPO / "templates", templates)
    entry_template = (templates / "entry.html").read_text(encoding="utf-8")
    replace_in(templates / "entry.html", "<h1>{{ entry.title }}</h1>", "<h1>{{ entry.no_such_field }}</h1>")
    cache, site = tmp_path / "cache", tmp_path / "site"

    failed = cached_build(project, site, cache, "--templates", templates, "--jobs", "2")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert re.search(r"templates/entry\.html:\d+: error: template error: UndefinedError", failed.stderr), failed.stderr
    assert not site.exists()
    assert not cache.exists() or not list(cache.iterdir()), f"left in the cache folder: {list(cache.iterdir())}"

    (templates / "entry.html").write_text(entry_template, encoding="utf-8")
    ok(cached_build(project, site, cache, "--templates", templates, "--jobs", "2"))
    leftovers = [p.name for p in cache.iterdir() if p.name not in ("cache.json", "manifest.json", "placed.json", ".gitignore")]
    assert not leftovers, f"left in the cache folder: {leftovers}"
    kept = load_cache(cache)
    assert len(kept.entries) >= 150 and len(kept.pages) >= 150
    ref = tmp_path / "ref"
    ok(build(project, ref, "--no-cache", "--templates", templates))
    assert_same_site(site, ref)
    # Read back whole, the cache leaves nothing to check or render again.
    shutil.rmtree(site)
    warm = ok(cached_build(project, site, cache, "--templates", templates, "--jobs", "2"))
    assert "quick rebuild" not in warm.stderr
    assert_same_site(site, ref)
    assert load_cache(cache).entries.keys() == kept.entries.keys()


def test_the_cache_and_manifest_hold_each_files_size_and_time_as_on_disk(tmp_path):
    # The workers give the size and time of each file as they write it; a
    # wrong one would send every later build the slow way.
    project = make_large(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    ok(cached_build(project, site, cache, "--jobs", "2"))
    on_disk = {p.relative_to(site).as_posix(): [p.stat().st_size, p.stat().st_mtime_ns]
               for p in site.rglob("*") if p.is_file()}
    kept = load_cache(cache).pages
    assert len(kept) >= 150
    assert {path: item[1:] for path, item in kept.items()} == {path: on_disk[path] for path in kept}
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == {path: f"{size}:{mtime}" for path, (size, mtime) in on_disk.items()}


def test_a_cache_begun_early_is_not_used_if_the_entries_changed_since(tmp_path):
    from timeline.check.check import Checked
    from timeline.speedups.cache import BuildCache
    from timeline.errors import Problems

    cache = BuildCache(tmp_path / "c", "salt")
    cache.keep_checked("a.md", "ctx", "h1", [1, 2], Checked("a.md", None, [], Problems()))
    cache.begin_save()
    assert [p.name.startswith(".cache-") for p in (tmp_path / "c").iterdir()] == [True]
    cache.keep_checked("b.md", "ctx", "h2", [3, 4], Checked("b.md", None, [], Problems()))
    cache.keep_page("index.html", ["key", 5, 6])
    cache.save()
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [".gitignore", "cache.json"]
    lines = (tmp_path / "c" / "cache.json").read_text(encoding="utf-8").splitlines()
    assert {tuple(json.loads(line)[:2]) for line in lines[1:]} == {("e", "a.md"), ("e", "b.md"), ("p", "index.html")}

    cache = BuildCache(tmp_path / "d", "salt")
    cache.begin_save()
    cache.abandon()
    assert list((tmp_path / "d").iterdir()) == []


# ---------------------------------------------------------------- 3. an entry edit

def test_an_entry_edit_rebuilds_only_what_depends_on_it(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    ok(cached_build(project, site, cache))
    ok(cached_build(project, site, cache))
    before, before_times = snapshot(site), mtimes(site)
    slug = "2021-03-28-closure-span"
    around = neighbours(site, slug)
    assert len(around) == 2

    sentence = "A sentence added by the cache test."
    with open(project / "content" / f"{slug}.md", "a", encoding="utf-8") as f:
        f.write(f"\n{sentence}\n")
    result = ok(cached_build(project, site, cache))

    page = f"entries/{slug}.html"
    assert snapshot(site)[page] != before[page]
    assert sentence in entry_page(site, slug)
    changed = assert_untouched_unless_changed(before, before_times, site)
    after_times = mtimes(site)
    independent = [p for p in before if p.startswith("entries/") and p != page and p not in around]
    independent += ["sources/index.html", "404.html", "static/style.css", "figures.html"]
    independent += [p for p in before if p.startswith(("tags/", "people/"))]
    moved = [p for p in independent if after_times[p] != before_times[p]]
    assert not moved, f"rewritten although they do not depend on {slug}: {moved}"
    written = counts(result.stderr)[2]
    assert written == len(changed), (result.stderr, sorted(changed))
    # Its page, its listing, the feed, timeline.json, the search index, and
    # the files holding its summary: embed.html, timelinejs.json and .js,
    # timeline.ics, entries.csv.
    assert 1 <= written <= 10, (result.stderr, sorted(changed))

    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")

    # A title edit does reach the pages that show the title: the neighbours
    # (previous/next links), the tag pages, the source pages' back links.
    before, before_times = snapshot(site), mtimes(site)
    replace_in(project / "content" / f"{slug}.md", "title: The bridge is closed for repairs",
               "title: The bridge is shut for repairs")
    ok(cached_build(project, site, cache))
    assert_untouched_unless_changed(before, before_times, site)
    for path in [page, *sorted(around), "tags/bridge.html", "sources/gazette.html", "index.html"]:
        assert "The bridge is shut for repairs" in (site / path).read_text(encoding="utf-8"), path
    shutil.rmtree(tmp_path / "ref")
    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")


def test_a_renamed_entry_is_shown_by_its_new_name_on_every_page(tmp_path):
    # Same bytes under a new name: every page that lists or links the entry
    # must change, though what the entry says does not.
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    ok(cached_build(project, site, cache))
    (project / "content" / "2021-03-27-night.md").rename(project / "content" / "2021-03-27-the-night.md")
    ok(cached_build(project, site, cache))
    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")
    assert "entries/2021-03-27-the-night.html" in snapshot(site)


def test_adding_and_removing_entries(tmp_path):
    """Other entries' checks are cached; links to an entry that is gone (or
    now a draft left out) must still fail the build."""
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    ok(cached_build(project, site, cache))
    original = snapshot(site)

    added = project / "content" / "2021-03-29-added.md"
    added.write_text((project / "content" / "2021-month.md").read_text(encoding="utf-8")
                     .replace("date: March 2021", "date: 2021-03-29")
                     .replace("title: Residents fear a split town", "title: An entry added by the cache test"),
                     encoding="utf-8")
    result = ok(cached_build(project, site, cache))
    assert counts(result.stderr)[0] == 10
    assert "An entry added by the cache test" in entry_page(site, "2021-03-29-added")
    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")

    added.unlink()
    result = ok(cached_build(project, site, cache))
    assert counts(result.stderr)[3] >= 1
    assert snapshot(site) == original

    # färja links to the café entry: made a draft, then removed.
    cafe = project / "content" / "2021" / "extra" / "2021-04-02-cafe.md"
    text = cafe.read_text(encoding="utf-8")
    cafe.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    for _ in range(2):
        result = cached_build(project, site, cache)
        assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
        errors = [p for p in problems(result.stderr) if p[2] == "error"]
        assert any(p[0].endswith("-färja.md") and "2021-04-02-cafe" in p[3] and "draft" in p[3] for p in errors), result.stderr
    with_drafts = cached_build(project, site, cache, "--drafts")    # fails on 2021-draft.md only
    assert [os.path.basename(p[0]) for p in problems(with_drafts.stderr) if p[2] == "error"] == ["2021-draft.md"]

    cafe.unlink()
    for _ in range(2):
        result = cached_build(project, site, cache)
        assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
        errors = [p for p in problems(result.stderr) if p[2] == "error"]
        assert any(p[0].endswith("-färja.md") and "2021-04-02-cafe" in p[3] for p in errors), result.stderr

    cafe.write_text(text, encoding="utf-8")
    ok(cached_build(project, site, cache))
    assert snapshot(site) == original


# ---------------------------------------------------------------- 4. a template edit

def test_a_template_edit_rebuilds_what_uses_it(tmp_path):
    project = copy_fixture(tmp_path / "project")
    templates = project / "templates"
    shutil.copytree(REPO / "templates", templates)
    cache, site = tmp_path / "cache", tmp_path / "site"
    ok(cached_build(project, site, cache, "--templates", templates))
    original = snapshot(site)
    before_times = mtimes(site)

    marker = "cache-test-marker-4711"
    replace_in(templates / "group.html", "<h1>{{ group.label }}</h1>",
               f'<h1>{{{{ group.label }}}}</h1>\n<p class="{marker}"><!-- {marker} --></p>')
    result = ok(cached_build(project, site, cache, "--templates", templates))
    after = snapshot(site)
    groups = [p for p in after if p.startswith(("tags/", "people/"))]
    assert len(groups) >= 10
    for path in groups:
        assert marker.encode() in after[path], path
    others = [p for p in after if p not in groups]
    assert not [p for p in others if marker.encode() in after[p]]
    after_times = mtimes(site)
    moved = [p for p in others if after_times[p] != before_times[p]]
    assert not moved, f"rewritten although group.html is not theirs: {moved}"
    assert counts(result.stderr)[2] == len(groups)

    ok(build(project, tmp_path / "ref", "--no-cache", "--templates", templates))
    assert_same_site(site, tmp_path / "ref")

    # A template every page extends (base.html) reaches every page using it.
    replace_in(templates / "base.html", "</main>", f"<!-- base-{marker} --></main>")
    ok(cached_build(project, site, cache, "--templates", templates))
    for path, data in snapshot(site).items():
        if path.endswith(".html") and path not in ("404.html", "embed.html"):   # these two stand alone
            assert f"base-{marker}".encode() in data, path

    # Back to the bundled templates: back to the original site, byte for byte.
    shutil.rmtree(templates)
    shutil.copytree(REPO / "templates", templates)
    ok(cached_build(project, site, cache, "--templates", templates))
    assert snapshot(site) == original


# ---------------------------------------------------------------- 5. a source edit

def test_a_source_title_edit_rebuilds_the_pages_that_show_it(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    ok(cached_build(project, site, cache))
    before, before_times = snapshot(site), mtimes(site)
    citing = sorted(
        f"entries/{e['slug']}.html" for e in json.loads(before["timeline.json"])["entries"]
        if any(s["id"] == "gazette" for s in e["sources"])
    )
    assert len(citing) >= 4

    title = "Gazette headline edited by the cache test"
    replace_in(project / "seeds" / "sources.yaml", 'title: "Council votes to close the old bridge"', f'title: "{title}"')
    ok(cached_build(project, site, cache))
    after = snapshot(site)
    for path in ["sources/index.html", "sources/gazette.html", *citing]:
        assert title.encode() in after[path], path
        assert after[path] != before[path]
    changed = assert_untouched_unless_changed(before, before_times, site)
    assert "sources/radio.html" not in changed and "404.html" not in changed

    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")


def test_a_cited_passage_leaving_an_excerpts_source_fails_the_build(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    entry = project / "content" / "2021-02-inspection.md"
    entry.write_text(
        "---\ntitle: The bridge is to be inspected\ndate: February 2021\nsources:\n"
        "  - id: notice\n    passage: The old bridge will be inspected in February.\n---\n",
        encoding="utf-8")
    ok(cached_build(project, site, cache))
    ok(cached_build(project, site, cache))          # now every check is in the cache
    assert "The old bridge will be inspected in February." in (site / "sources" / "notice.html").read_text(encoding="utf-8")
    before, before_times = snapshot(site), mtimes(site)

    notice = project / "seeds" / "texts" / "notice.txt"
    replace_in(notice, "The old bridge will be inspected in February.", "The old bridge will be inspected in March.")
    for command in ("build", "build", "check"):          # twice: a failure is not cached away either
        result = build(project, site, "--cache", cache, command=command)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 1, result.stderr
        errors = [p for p in problems(result.stderr) if p[2] == "error"]
        assert [(os.path.basename(p[0]), p[1]) for p in errors] == [("2021-02-inspection.md", 6)], result.stderr
        assert 'not found verbatim in source "notice"' in errors[0][3]
    assert snapshot(site) == before and mtimes(site) == before_times   # a failed build leaves the site

    replace_in(notice, "The old bridge will be inspected in March.", "The old bridge will be inspected in February.")
    ok(cached_build(project, site, cache))
    assert snapshot(site) == before


# ---------------------------------------------------------------- 6. a corrupt cache

def _lines(good: bytes) -> tuple[str, list]:
    text = good.decode("utf-8").splitlines()
    return text[0], [json.loads(line) for line in text[1:]]


def _write_items(header: str, items) -> bytes:
    return (header + "\n" + "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)).encode("utf-8")


def _shorten(table: str, key: str, length: int):
    def corrupt(good: bytes) -> bytes:
        header, items = _lines(good)
        hit = [i for i in items if i[0] == table and i[1] == key]
        assert hit, (table, key)
        return _write_items(header, [[t, k, v[:length]] if (t, k) == (table, key) else [t, k, v] for t, k, v in items])
    return corrupt


def _bad_checked(replacement):
    """An entry item with the right context, hash and stat, whose checked data is wrong."""
    def corrupt(good: bytes) -> bytes:
        header, items = _lines(good)
        out = []
        for t, k, v in items:
            if t == "e":
                v = v[:3] + [replacement]
            out.append([t, k, v])
        return _write_items(header, out)
    return corrupt


def _truncate_line(index: int):
    def corrupt(good: bytes) -> bytes:
        lines = good.split(b"\n")
        body = lines[index]
        lines[index] = body[: len(body) // 2]
        return b"\n".join(lines)
    return corrupt


CORRUPTIONS = {
    "garbage bytes": lambda good: bytes(range(256)) * 8 + b"\xff\xfe\x00garbage",
    "empty": lambda good: b"",
    "header only, cut": lambda good: good[:20],
    "truncated last line": lambda good: good.rstrip(b"\n")[:-25],
    "truncated middle line": _truncate_line(5),
    "wrong-shape lines": lambda good: good + b'{}\n[]\n"text"\n42\nnull\n[1, 2, 3]\n["zz", "k", []]\n["p", "index.html", "not a list"]\n',
    "page item too short": _shorten("p", "index.html", 1),
    "entry item without stat": _shorten("e", "2020-background.md", 2),
    "entry item without data": _shorten("e", "2020-background.md", 3),
    "checked data a list": _bad_checked([1, 2, 3]),
    "checked data missing keys": _bad_checked({"path": "2020-background.md"}),
    "checked data of wrong types": _bad_checked({"path": 1, "draft": False, "problems": [[1]], "cited": 5, "entry": None}),
    "another format": lambda good: b'{"format": "timeline-cache/0 0.0.1 py3.11 0000"}\n' + good.split(b"\n", 1)[1],
    "another program version": lambda good: good.replace(b'{"format":"timeline-cache/1 ', b'{"format":"timeline-cache/1 9', 1),
    "header not an object": lambda good: b'["format"]\n' + good.split(b"\n", 1)[1],
    "not JSON lines at all": lambda good: json.dumps({"pages": {}, "entries": {}}, indent=2).encode(),
    "a directory": None,
}


@pytest.fixture(scope="module")
def cache_reference(tmp_path_factory):
    """One project, its --no-cache site, and a site and a good cache of it."""
    base = tmp_path_factory.mktemp("corrupt")
    project = copy_fixture(base / "project")
    ok(build(project, base / "ref", "--no-cache"))
    ok(cached_build(project, base / "site", base / "cache"))
    return project, base / "ref", base / "site", (base / "cache" / "cache.json").read_bytes()


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path, cache_reference, kind):
    project, ref, good_site, good = cache_reference
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(good_site, site)          # times kept: as the cache recorded them
    cache.mkdir()
    if CORRUPTIONS[kind] is None:
        (cache / "cache.json").mkdir()
    else:
        (cache / "cache.json").write_bytes(CORRUPTIONS[kind](good))

    result = ok(cached_build(project, site, cache))
    assert "warning: cannot write the cache" not in result.stderr
    assert problem_lines(result.stderr) == [line for line in problem_lines(result.stderr) if "2021-draft.md" in line]
    assert_same_site(site, ref)
    fresh = ok(cached_build(project, tmp_path / "fresh", cache))
    assert_same_site(tmp_path / "fresh", ref)
    assert counts(fresh.stderr)[2] == counts(fresh.stderr)[1]
    assert_valid_cache(cache)

    # The replacement is read: a warm build has nothing to write or re-check.
    again = ok(cached_build(project, site, cache))
    assert counts(again.stderr)[2:] == (0, 0)
    assert_valid_cache(cache)


def test_a_cache_folder_that_is_a_file_does_not_break_the_build(tmp_path, cache_reference):
    project, ref, _, _ = cache_reference
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a user's file\n")
    result = ok(cached_build(project, tmp_path / "site", not_a_folder))
    assert_same_site(tmp_path / "site", ref)
    assert not_a_folder.read_text() == "a user's file\n"
    assert "cannot write the cache" in result.stderr


def test_tampered_output_is_repaired(tmp_path, cache_reference):
    """An output file changed or removed behind the cache's back is rebuilt."""
    project, ref, _, _ = cache_reference
    site, cache = tmp_path / "site", tmp_path / "cache"
    ok(cached_build(project, site, cache))
    (site / "entries" / "2021-month.html").write_text("<p>edited by hand</p>\n")
    (site / "tags" / "ferry.html").unlink()
    (site / "stray.html").write_text("not ours")
    result = ok(cached_build(project, site, cache))
    assert counts(result.stderr)[2:] == (2, 1)
    assert_same_site(site, ref)


# ---------------------------------------------------------------- 7. size and time

NIGHT = "2021-03-27-night.md"
TICK_NS = 2_000_000_000      # timeline/assemble.py CLOCK_TICK_NS
BODY = "Work went on through the night the clocks changed."


def test_an_edit_within_the_clock_tick_is_seen_even_with_size_and_time_restored(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    path = project / "content" / NIGHT
    replace_in(path, BODY, BODY.replace("night", "NIGHT"))
    for _ in range(3):
        path.touch()                            # written now: within the tick of the build
        ok(cached_build(project, site, cache))
        st = path.stat()
        if time.time_ns() - st.st_mtime_ns < TICK_NS:
            break                               # the build surely saw a time within its tick
    else:
        pytest.skip("each build took longer than a clock tick; the case cannot be set up")
    assert "through the NIGHT the clocks" in entry_page(site, "2021-03-27-night")

    replace_in(path, "through the NIGHT the clocks", "through the night the CLOCKS")   # same size
    set_mtime_ns(path, st.st_mtime_ns)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    ok(cached_build(project, site, cache))
    assert "through the night the CLOCKS changed" in entry_page(site, "2021-03-27-night")

    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")


def test_an_old_file_edited_with_a_new_time_is_seen(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    path = project / "content" / NIGHT
    old = time.time_ns() - 60 * 10**9
    set_mtime_ns(path, old)                     # well before the build: size and time are trusted
    ok(cached_build(project, site, cache))
    ok(cached_build(project, site, cache))
    size = path.stat().st_size

    replace_in(path, BODY, BODY.replace("night", "NIGHT"))          # same size, time now
    assert path.stat().st_size == size
    ok(cached_build(project, site, cache))
    assert "through the NIGHT the clocks" in entry_page(site, "2021-03-27-night")

    replace_in(path, "through the NIGHT the clocks", "through the night the CLOCKS")   # same size,
    set_mtime_ns(path, old - 30 * 10**9)                                              # an older time
    ok(cached_build(project, site, cache))
    assert "through the night the CLOCKS changed" in entry_page(site, "2021-03-27-night")

    ok(build(project, tmp_path / "ref", "--no-cache"))
    assert_same_site(site, tmp_path / "ref")


# ---------------------------------------------------------------- 8. drafts

def test_draft_warnings_survive_the_cache_and_drafts_turn_them_into_errors(tmp_path):
    project = copy_fixture(tmp_path / "project")
    cache, site = tmp_path / "cache", tmp_path / "site"
    cold = ok(cached_build(project, site, cache))
    warnings = problem_lines(cold.stderr)
    assert warnings and all(": warning: " in line for line in warnings)
    assert any("2021-draft.md:7: warning: quote not found verbatim" in line for line in warnings)
    warm = ok(cached_build(project, site, cache))
    assert problem_lines(warm.stderr) == warnings
    check = ok(build(project, site, "--cache", cache, command="check"))
    assert problem_lines(check.stderr) == warnings
    before = snapshot(site)

    expected = problem_lines(build(project, tmp_path / "ref", "--no-cache", "--drafts").stderr)
    assert expected == [line.replace(": warning: ", ": error: ") for line in warnings]
    for _ in range(2):
        drafts = cached_build(project, site, cache, "--drafts")
        assert "Traceback" not in drafts.stderr
        assert drafts.returncode == 1, drafts.stderr
        assert problem_lines(drafts.stderr) == expected
    assert snapshot(site) == before

    again = ok(cached_build(project, site, cache))
    assert problem_lines(again.stderr) == warnings


# ---------------------------------------------------------------- 9. check

def test_check_never_writes_the_cache(tmp_path):
    project = copy_fixture(tmp_path / "project")
    fresh = tmp_path / "fresh-cache"
    result = ok(build(project, None, "--cache", fresh, command="check"))
    assert result.stderr.rstrip().endswith("sources checked")
    assert not fresh.exists()

    # An existing cache is read, but left exactly as it was, even when the
    # content changed since it was written.
    cache = tmp_path / "cache"
    ok(cached_build(project, tmp_path / "site", cache))
    stamp = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in cache.iterdir()}
    with open(project / "content" / "2021-month.md", "a", encoding="utf-8") as f:
        f.write("\nOne more line.\n")
    ok(build(project, None, "--cache", cache, command="check"))
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in cache.iterdir()} == stamp
