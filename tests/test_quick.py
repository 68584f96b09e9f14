"""The quick rebuild (timeline/quick.py): an edit that changes only what an
entry's own page, its card, its feed summary and its pieces of the data
files show is rebuilt by redoing just those.

The rule: the quick way is an optimisation, never a different result.
After any sequence of edits, the site is byte-identical to a build from
scratch with --no-cache; when the quick way does not apply (another input
changed, an entry came or went, an edit moves an entry or changes what it
cites, an edit has a problem, the output was touched, the manifest is
damaged) the full build runs instead. Whether the quick way ran is read
from build.py's report ("quick rebuild: ...").
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import build, copy_fixture, problems, snapshot
from test_cache import (
    assert_same_site, assert_untouched_unless_changed, cached_build, counts, entry_page, make_large,
    mtimes, ok, replace_in,
)

QUICK = "quick rebuild:"


def was_quick(result) -> bool:
    return QUICK in result.stderr


def assert_as_from_scratch(project: Path, site: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    shutil.rmtree(ref, ignore_errors=True)
    ok(build(project, ref, "--no-cache"))
    assert_same_site(site, ref)


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def gen_entry(project: Path, i: int) -> Path:
    return next((project / "content" / "gen").rglob(f"*-gen-{i:03d}.md"))


@pytest.fixture
def large(tmp_path):
    """A split timeline (year and month pages) with a feed, built once."""
    project = make_large(tmp_path / "project", count=120)
    site, cache = tmp_path / "site", tmp_path / "cache"
    assert not was_quick(ok(cached_build(project, site, cache)))
    return project, site, cache


def test_a_body_edit_is_quick_and_gives_the_same_site(tmp_path, large):
    project, site, cache = large
    before, before_times = snapshot(site), mtimes(site)
    path = gen_entry(project, 118)   # among the newest: in the feed too
    append(path, "\nA sentence the quick rebuild must show, with **emphasis**.\n")
    result = ok(cached_build(project, site, cache))
    assert was_quick(result), result.stderr

    slug = path.stem
    assert "A sentence the quick rebuild must show" in entry_page(site, slug)
    changed = assert_untouched_unless_changed(before, before_times, site)
    listed = [p for p in changed if p.startswith("archive/")]
    assert len(listed) == 1 and slug in (site / listed[0]).read_text(encoding="utf-8")
    assert {f"entries/{slug}.html", "feed.xml", "search-index.js"} <= changed
    # The files holding its summary, spliced too (exports.ENTRY_PIECES, embed.html).
    assert {"timelinejs.json", "timelinejs.js", "timeline.ics", "entries.csv", "embed.html"} <= changed
    assert {"quotes.csv", "figures.csv"}.isdisjoint(changed)
    assert "A sentence the quick rebuild must show" in (site / "timelinejs.json").read_text(encoding="utf-8")
    assert counts(result.stderr)[2] == len(changed)
    assert_as_from_scratch(project, site, tmp_path)


def test_many_quick_edits_in_a_row_then_a_full_build(tmp_path, large):
    project, site, cache = large
    for round_ in range(3):
        for i in (3, 4, 60):     # 3 and 4 are neighbours on one month page
            append(gen_entry(project, i), f"\nRound {round_} of entry {i}: “curly” words, émigré, 2\u2028.\n")
        assert was_quick(ok(cached_build(project, site, cache)))
        assert_as_from_scratch(project, site, tmp_path)
    # A change the quick way does not handle, after quick ones: the full
    # build takes over from the cache the quick rebuilds left.
    replace_in(gen_entry(project, 60), "title: \"Generated entry 60", "title: \"Renamed entry 60")
    result = ok(cached_build(project, site, cache))
    assert not was_quick(result)
    assert_as_from_scratch(project, site, tmp_path)
    assert was_quick(ok(cached_build(project, site, cache)))   # nothing changed: quick again


def test_a_one_page_timeline_splices_the_home_page(tmp_path):
    project = copy_fixture(tmp_path / "project")
    site, cache = tmp_path / "site", tmp_path / "cache"
    ok(cached_build(project, site, cache))
    before = snapshot(site)
    append(project / "content" / "2021-03-28-mayor.md", "\nThe mayor's office said nothing more.\n")
    assert was_quick(ok(cached_build(project, site, cache)))
    assert snapshot(site)["index.html"] != before["index.html"]
    assert "nothing more" in (site / "index.html").read_text(encoding="utf-8")
    assert_as_from_scratch(project, site, tmp_path)


@pytest.mark.parametrize("edit", [
    ("title: \"Generated entry 5:", "title: \"Another title 5:"),          # shown on lists
    ("date: 2022-01-11", "date: 2022-01-12"),                              # moves it
    ("tags: [bridge, batch 5]", "tags: [bridge, batch 6]"),                # tag pages
    ("text: a disgrace", "text: disgrace"),                                # marks on source pages
    ("value: 3500", "value: 3501"),                                        # the figures page
    ("place: Pier 0", "place: Pier 9"),                                    # lists show the place
])
def test_an_edit_of_what_other_pages_show_takes_the_full_build(tmp_path, large, edit):
    project, site, cache = large
    old, new = edit
    replace_in(gen_entry(project, 5), old, new)
    result = cached_build(project, site, cache)
    assert not was_quick(result)
    if result.returncode == 0:
        assert_as_from_scratch(project, site, tmp_path)
    else:   # the shortened quote is not in the source: reported as always
        assert problems(result.stderr), result.stderr


def test_an_edit_with_an_error_is_reported_by_the_full_build(tmp_path, large):
    project, site, cache = large
    before = snapshot(site)
    path = gen_entry(project, 7)
    append(path, "\nSee [a missing entry](nowhere.md).\n")
    result = cached_build(project, site, cache)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not was_quick(result)
    shown = [p for p in problems(result.stderr) if p[2] == "error"]
    assert shown and shown[0][0].endswith(path.name), result.stderr
    assert snapshot(site) == before


def test_added_and_removed_entries_take_the_full_build(tmp_path, large):
    project, site, cache = large
    extra = gen_entry(project, 9).with_name("2022-01-19-extra.md")
    shutil.copy(gen_entry(project, 9), extra)
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)
    extra.unlink()
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)


def test_other_inputs_take_the_full_build(tmp_path, large):
    project, site, cache = large
    # a source's metadata
    replace_in(project / "seeds" / "sources.yaml", "publisher: ", "publisher: The ")
    append(gen_entry(project, 2), "\nAnd a body edit.\n")
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)
    # the settings
    replace_in(project / "content" / "_index.md", "page_size: 40", "page_size: 30")
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)
    # a style sheet of the user's own
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: black }\n", encoding="utf-8")
    assert not was_quick(ok(cached_build(project, site, cache, "--static", static)))
    # another output folder
    assert not was_quick(ok(cached_build(project, tmp_path / "elsewhere", cache, "--static", static)))
    # --drafts (the fixture's draft has an error: without it, --drafts builds)
    (project / "content" / "2021-draft.md").unlink()
    assert not was_quick(ok(cached_build(project, site, cache, "--static", static)))
    assert was_quick(ok(cached_build(project, site, cache, "--static", static)))
    assert not was_quick(ok(cached_build(project, site, cache, "--static", static, "--drafts")))
    assert was_quick(ok(cached_build(project, site, cache, "--static", static, "--drafts")))


def test_a_changed_static_file_alone_is_copied_the_quick_way(tmp_path, large):
    """A stylesheet edit changes no page: the quick way copies it, with
    any body edit beside it; a static file added (pages link extra.css
    only when it exists) takes the full build."""
    project, site, cache = large
    static = tmp_path / "static"
    shutil.copytree(Path(__file__).resolve().parent.parent / "static", static)
    ok(cached_build(project, site, cache, "--static", static))
    before, before_times = snapshot(site), mtimes(site)
    append(static / "style.css", "\n:root { --a-test: 1px; }\n")
    result = ok(cached_build(project, site, cache, "--static", static))
    assert was_quick(result), result.stderr
    assert assert_untouched_unless_changed(before, before_times, site) == {"static/style.css"}
    assert "--a-test" in (site / "static" / "style.css").read_text(encoding="utf-8")
    append(static / "style.css", "\n:root { --b-test: 1px; }\n")
    append(gen_entry(project, 5), "\nA body edit beside it.\n")
    assert was_quick(ok(cached_build(project, site, cache, "--static", static)))
    ref = tmp_path / "ref"
    ok(build(project, ref, "--no-cache", "--static", static))
    assert_same_site(site, ref)
    (static / "extra.css").write_text("h1 { letter-spacing: 0 }\n", encoding="utf-8")
    assert not was_quick(ok(cached_build(project, site, cache, "--static", static)))
    shutil.rmtree(ref)
    ok(build(project, ref, "--no-cache", "--static", static))
    assert_same_site(site, ref)


def test_templates_of_the_users_own_always_take_the_full_build(tmp_path, large):
    project, site, cache = large
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "entry.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ entry.title }}</h1>{{ entry.body_html|rooted(root) }}{% endblock %}\n',
        encoding="utf-8")
    ok(cached_build(project, site, cache, "--templates", templates))
    append(gen_entry(project, 2), "\nA body edit under other templates.\n")
    result = ok(cached_build(project, site, cache, "--templates", templates))
    assert not was_quick(result)
    assert "A body edit under other templates." in entry_page(site, gen_entry(project, 2).stem)


def test_touched_output_takes_the_full_build_which_repairs_it(tmp_path, large):
    project, site, cache = large
    page = site / "entries" / f"{gen_entry(project, 11).stem}.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"Generated entry", b"Tampered entry"))
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert page.read_bytes() == good
    # a file the build never made
    (site / "stray.html").write_text("stray", encoding="utf-8")
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert not (site / "stray.html").exists()
    # a file removed
    (site / "figures.html").unlink()
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)


@pytest.mark.parametrize("kept", [True, False], ids=["from the kept tree", "a new tree"])
@pytest.mark.parametrize("edit", ["\nA body edit beside a touched page.\n", "\n\n\n"],
                         ids=["the output changes", "no output changes"])
def test_an_entry_edited_and_an_output_touched_take_the_full_build(tmp_path, large, kept, edit):
    # With a kept tree (left by a quick rebuild), the site is looked at by
    # the process that repairs it, while the edit is rendered; else by the
    # build itself, while that process links a new tree. An edit that
    # changes no output file is looked at all the same.
    project, site, cache = large
    spare = site.parent / ".site.spare"
    if kept:
        append(gen_entry(project, 5), "\nA first edit, which leaves the tree it swapped out.\n")
        assert was_quick(ok(cached_build(project, site, cache)))
    assert spare.is_dir() == kept
    other = site / "entries" / f"{gen_entry(project, 11).stem}.html"
    good = other.read_bytes()
    other.write_bytes(good.replace(b"Generated entry", b"Tampered entry"))
    append(gen_entry(project, 2), edit)
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert other.read_bytes() == good
    if edit.strip():
        assert edit.strip() in entry_page(site, gen_entry(project, 2).stem)
    assert_as_from_scratch(project, site, tmp_path)
    # Untouched, the next edit is quick again.
    append(gen_entry(project, 3), "\nA body edit alone.\n")
    assert was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)


@pytest.mark.parametrize("damage", [
    lambda m: "not json",
    lambda m: json.dumps({**json.loads(m), "format": "another program"}),
    lambda m: json.dumps({**json.loads(m), "files": []}),
    lambda m: json.dumps({**json.loads(m), "order": [["no-such.md", "index.html"]]}),
    lambda m: json.dumps({**json.loads(m), "pages": {}}),
    lambda m: m[: len(m) // 2],
])
def test_a_damaged_manifest_is_ignored(tmp_path, large, damage):
    project, site, cache = large
    manifest = cache / "manifest.json"
    manifest.write_text(damage(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    append(gen_entry(project, 2), "\nA body edit.\n")
    result = ok(cached_build(project, site, cache))
    assert not was_quick(result)
    assert_as_from_scratch(project, site, tmp_path)
    assert was_quick(ok(cached_build(project, site, cache)))   # a good manifest again


def test_a_damaged_manifest_log_is_ignored(tmp_path, large):
    project, site, cache = large
    append(gen_entry(project, 2), "\nA body edit.\n")
    assert was_quick(ok(cached_build(project, site, cache)))
    log = cache / "manifest.log"
    log.write_text(log.read_text(encoding="utf-8") + '["f", "no-such.md", []]\n', encoding="utf-8")
    append(gen_entry(project, 2), "\nAnother.\n")
    assert not was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)


def test_no_cache_and_check_never_take_the_quick_way(tmp_path, large):
    project, site, cache = large
    append(gen_entry(project, 2), "\nA body edit.\n")
    assert not was_quick(ok(build(project, site, "--no-cache")))
    append(gen_entry(project, 2), "\nAnother.\n")
    result = ok(build(project, site, "--cache", cache, command="check"))
    assert not was_quick(result)


def test_an_edit_within_the_clock_tick_is_seen_by_the_quick_way(tmp_path, large):
    # The size and time of a file edited within the clock tick are not
    # trusted: an edit of the same size with the time put back is still seen.
    project, site, cache = large
    path = gen_entry(project, 20)
    append(path, "\nFirst wording.\n")
    assert was_quick(ok(cached_build(project, site, cache)))
    stamp = path.stat().st_mtime_ns
    replace_in(path, "First wording.", "Other wording.")
    os.utime(path, ns=(path.stat().st_atime_ns, stamp))
    assert was_quick(ok(cached_build(project, site, cache)))
    assert "Other wording." in entry_page(site, path.stem)
    assert_as_from_scratch(project, site, tmp_path)


def placed_pages(cache: Path, rel: str) -> set[str]:
    """The pages the build recorded an entry's fragments on (placed.json,
    read as the quick rebuild reads it)."""
    order = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))["order"]
    lines = (cache / "placed.json").read_text(encoding="utf-8").splitlines()
    pages = json.loads(lines[0])["pages"]
    found: set[str] = set()
    for line in lines[1:]:
        item = json.loads(line)
        if item[0] == order.index(rel):
            found |= {pages[p] for p in item[2::2]}
    return found


def test_the_pages_that_show_an_entry_through_fragments_are_the_ones_recorded(tmp_path, large):
    # Every page but the entry's own and its neighbours' (which show only
    # its outline: title and date) links to it from a fragment; the build
    # recorded exactly those, and nothing in the quick way names them.
    project, site, cache = large
    order = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))["order"]
    for i in (0, 3, 60, 118):
        path = gen_entry(project, i)
        rel = path.relative_to(project / "content").as_posix()
        slug = path.stem
        at = order.index(rel)
        neighbours = {f"entries/{Path(order[j]).stem}.html" for j in (at - 1, at + 1) if 0 <= j < len(order)}
        linking = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in (".html", ".xml")
                   and f"entries/{slug}.html" in p.read_text(encoding="utf-8")}
        outline_only = {f"entries/{slug}.html", "figures.html", "sitemap.xml"} | neighbours
        assert placed_pages(cache, rel) == linking - outline_only, slug
        assert {"embed.html"} <= placed_pages(cache, rel)


def _without_line(text: str, at: int) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f"[{at},"))


@pytest.mark.parametrize("damage", [
    lambda text, at: "",
    lambda text, at: text[: text.index(f"\n[{at},") + 4],    # cut inside the entry's line
    _without_line,
])
def test_a_damaged_record_of_fragments_takes_the_full_build(tmp_path, large, damage):
    project, site, cache = large
    placed = cache / "placed.json"
    order = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))["order"]
    at = order.index(gen_entry(project, 60).relative_to(project / "content").as_posix())
    placed.write_text(damage(placed.read_text(encoding="utf-8"), at), encoding="utf-8")
    append(gen_entry(project, 60), "\nA body edit the full build makes.\n")
    result = ok(cached_build(project, site, cache))
    assert not was_quick(result), result.stderr
    assert_as_from_scratch(project, site, tmp_path)
    assert (cache / "placed.json").is_file()   # written again by the full build
    append(gen_entry(project, 60), "\nAnother, quick again.\n")
    assert was_quick(ok(cached_build(project, site, cache)))
    assert_as_from_scratch(project, site, tmp_path)
