"""Each stage of the pipeline on its own, called as project.py calls it:
check (one entry against its sources), assemble (the timeline), views
(what pages show) and output (writing the site). Small inputs, written
here or taken from tests/fixtures/basic."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from helpers import BASIC, copy_fixture, snapshot
from timeline.model.assemble import Folders, load_timeline
from timeline.check.check import EntryChecker
from timeline.read.dates import parse_date
from timeline.engine import Engine
from timeline.errors import ContentError
from timeline.memory import Memory
from timeline.read.entry import Entry
from timeline.write.output import write_site
from timeline.render.render import BUNDLED_TEMPLATES, Job, Renderer
from timeline.read.sources import load_sources
from timeline.errors import Problems
from timeline.read.i18n import bundled_language
from timeline.render.views import day_groups, overview, source_view, split_listing


def folders(project: Path) -> Folders:
    return Folders(project / "content", project / "seeds", "content", "seeds")


# ---- check

@pytest.fixture(scope="module")
def checker():
    problems = Problems()
    sources = load_sources(BASIC / "seeds", "seeds", "Europe/Oslo", problems)
    assert not problems.items
    return EntryChecker(BASIC / "content", "content", "Europe/Oslo", sources)


def test_check_verifies_quotes_and_passages_and_marks_them(checker):
    checked = checker.check("2021-03-28-mayor.md")
    assert checked.problems.items == [] and checked.entry is not None
    entry = checked.entry
    assert [q.text for q in entry.quotes] == ["a disgrace", "We will fight this decision ... in every way we can."]
    assert all(q.mark and q.mark.startswith("q-") for q in entry.quotes)
    assert entry.figures[0].mark and entry.figures[0].mark.startswith("p-")
    assert {(c.source, c.kind) for c in checked.cited} == {("radio", "quote"), ("radio", "passage")}
    radio = checker.sources["radio"].text
    assert all(radio[a:b] for c in checked.cited for a, b in c.spans)
    assert entry.hash and entry.data_json.startswith('{"slug":"2021-03-28-mayor"')


def test_check_reports_a_misquote_at_its_line_and_keeps_no_entry(tmp_path):
    problems = Problems()
    sources = load_sources(BASIC / "seeds", "seeds", "UTC", problems)
    (tmp_path / "a.md").write_text("---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nquotes:\n"
                                   "  - text: a shame\n    by: X\n    source: radio\n---\n", encoding="utf-8")
    checked = EntryChecker(tmp_path, "c", "UTC", sources).check("a.md")
    assert checked.entry is None
    assert [(p.path, p.line, p.severity) for p in checked.problems.items] == [(os.path.join("c", "a.md"), 6, "error")]


# ---- assemble

def test_assemble_orders_entries_and_collects_marks_and_groups():
    timeline, problems = load_timeline(folders(BASIC), engine=Engine(), memory=Memory())
    assert timeline is not None, problems.sorted()
    starts = [e.order() for e in timeline.entries]
    assert starts == sorted(starts)
    assert "2021-draft" not in {e.slug for e in timeline.entries}
    assert [w.path for w in problems.items if w.severity == "warning"]   # the draft's errors, as warnings
    for sid, marks in timeline.marks.items():
        offsets = [m.spans[0] for m in marks]
        assert offsets == sorted(offsets)
        assert all(m.entries for m in marks)
    assert {g.label for g in timeline.tags} >= {"bridge", "reactions"}
    bridge = next(g for g in timeline.tags if g.label == "bridge")
    assert bridge.href == "tags/bridge.html" and all("bridge" in e.tags for e in bridge.entries)


def test_assemble_reuses_what_the_memory_holds(tmp_path):
    project = copy_fixture(tmp_path / "p")
    memory = Memory()
    first, _ = load_timeline(folders(project), engine=Engine(), memory=memory)
    second, _ = load_timeline(folders(project), engine=Engine(), memory=memory)
    assert [e.slug for e in first.entries] == [e.slug for e in second.entries]
    # the same checked objects, not checked again
    assert all(a is b for a, b in zip(first.entries, second.entries))


# ---- views

def entry(slug: str, date: str) -> Entry:
    return Entry(path=slug + ".md", slug=slug, title=slug, date=parse_date(date))


def test_day_groups_put_consecutive_entries_of_one_day_under_one_heading():
    entries = [entry("a", "2021-03-01"), entry("b", "2021-03-01T10:00"), entry("c", "2021-03"), entry("d", "2021-03-02")]
    groups = day_groups(entries, bundled_language("en"))
    assert [(g.key, [e.slug for e in g.entries]) for g in groups] == [
        ("d-2021-03-01", ["a", "b"]), ("d-2021-03", ["c"]), ("d-2021-03-02", ["d"])]


def test_split_listing_splits_by_year_then_month_and_lists_each_entry_once():
    entries = [entry(f"e{i}", f"2021-{1 + i % 3:02d}-0{1 + i % 5}") for i in range(9)] + [entry("y", "2021"),
                                                                                          entry("z", "2022-05")]
    entries.sort(key=Entry.order)
    assert split_listing(entries, 20, bundled_language("en")) == []
    pages = split_listing(entries, 4, bundled_language("en"))
    assert [p.path for p in pages] == ["archive/2021.html", "archive/2022.html"]
    assert [c.path for c in pages[0].children] == ["archive/2021-01.html", "archive/2021-02.html", "archive/2021-03.html"]
    listed = [e.slug for p in pages for sub in [p, *p.children] for e in sub.entries]
    assert sorted(listed) == sorted(e.slug for e in entries)
    assert [e.slug for e in pages[0].entries] == ["y"]   # a year's entries without a month stay on its page


def test_overview_counts_entries_per_day_with_the_empty_days_between():
    entries = [entry("a", "2021-03-01"), entry("b", "2021-03-01"), entry("c", "2021-03-04")]
    strip = overview(entries, {})
    assert strip.unit == "day"
    bars = strip.bars
    assert [(b.label, b.count) for b in bars] == [("2021-03-01", 2), ("2021-03-02", 0), ("2021-03-03", 0), ("2021-03-04", 1)]
    assert bars[0].height == 100 and bars[1].link is None and bars[3].link == "#d-2021-03-04"


def test_overview_unit_follows_the_span_not_the_first_bar():
    # A year-dated entry first makes the first bar a year's; the bars still count days.
    entries = [entry("y", "2021"), entry("a", "2021-03-01"), entry("b", "2021-03-03")]
    strip = overview(entries, {})
    assert strip.unit == "day" and strip.bars[0].label == "2021"
    assert overview([entry("a", "2019-01-01"), entry("b", "2021-06-01")], {}).unit == "month"
    assert overview([entry("a", "1990-01-01"), entry("b", "2021-06-01")], {}).unit == "year"


def test_source_view_shows_excerpts_only_around_the_marks():
    timeline, _ = load_timeline(folders(BASIC), engine=Engine(), memory=Memory())
    notice = timeline.sources["radio"]
    assert notice.archive == "excerpts"
    view = source_view(notice, timeline.marks["radio"])
    assert 0 < len(view.paragraphs) < view.total
    shown = "".join(s.text for p in view.paragraphs for s in p.segments)
    assert all(notice.text[a:b] in shown for m in timeline.marks["radio"] for a, b in m.spans)


# ---- output

def test_write_site_writes_changes_removes_stale_files_and_leaves_the_rest(tmp_path):
    out = tmp_path / "site"
    renderer = Renderer(BUNDLED_TEMPLATES, "templates")
    memory = Memory()
    jobs = [Job("a.txt", data=b"A"), Job("sub/b.txt", data=b"B")]
    written, removed, _ = write_site(out, jobs, renderer, Engine(), memory)
    assert sorted(written) == ["a.txt", "sub/b.txt"] and removed == []
    (out / "stale.txt").write_bytes(b"old")
    before = (out / "a.txt").stat().st_mtime_ns
    time.sleep(0.01)
    written, removed, _ = write_site(out, [Job("a.txt", data=b"A"), Job("c.txt", data=b"C")], renderer, Engine(), memory)
    assert written == ["c.txt"] and sorted(removed) == ["stale.txt", "sub/b.txt"]
    assert (out / "a.txt").stat().st_mtime_ns == before
    assert snapshot(out) == {"a.txt": b"A", "c.txt": b"C"}


def test_write_site_changes_nothing_when_a_page_fails(tmp_path):
    out = tmp_path / "site"
    renderer = Renderer(BUNDLED_TEMPLATES, "templates")
    write_site(out, [Job("a.txt", data=b"A")], renderer, Engine(), Memory())
    bad = Job("entries/x.html", template="entry.html", context={})
    with pytest.raises(ContentError):
        write_site(out, [Job("a.txt", data=b"changed"), bad], renderer, Engine(), Memory())
    assert snapshot(out) == {"a.txt": b"A"}
    assert [p.name for p in tmp_path.iterdir()] == ["site"]   # no staging folder left
