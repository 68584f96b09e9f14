"""Any input ends in a result or a PATH:LINE problem, never an exception:
the date parser and the front-matter reader on arbitrary text, and whole
builds at the calendar's edges."""

from __future__ import annotations

import os
import shutil

from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import build, copy_fixture, problems
from timeline.read.dates import DateError, parse_date, sort_key
from timeline.read.entries import read_entry
from timeline.errors import Problems
from timeline.speedups import fastyaml

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 500))

DATE_PIECES = st.sampled_from(["0", "1", "9", "12", "31", "9999", "0001", "-", "T", ":", "+", "Z", "14", "00", " ",
                               "January", "Feb", "2022", "2022-01-07", "T15:00", "+14:00", "-12:00", ".", ",", "am"])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(DATE_PIECES, max_size=8).map("".join)),
       st.sampled_from(["UTC", "Europe/Oslo", "Pacific/Kiritimati", "Pacific/Pago_Pago"]))
@example("9999-12-31T23:59-14:00", "UTC")
@example("0001-01-01T00:00+14:00", "UTC")
@example("9999-12-31T23:59", "Pacific/Kiritimati")
def test_a_date_is_read_or_refused_with_a_date_error(text, tz):
    try:
        d = parse_date(text, tz)
    except DateError:
        return
    d.iso(), d.display(), d.short(), d.start(), d.last(), sort_key(d)
    assert parse_date(d.iso(), tz).start() == d.start()


KEYS = st.sampled_from(["title", "date", "end", "tags", "people", "sources", "quotes", "figures", "extra", "draft",
                        "place", "corrections", "updated", "approximate"])
VALUES = st.one_of(st.text(max_size=12), st.sampled_from(
    ["[a, b]", "a, b", "2021-03-05", "9999-12-31", "0001-01-01", "true", "- x", "{a: 1}", "'q'", '"q', "[", ":",
     "\t", "&a [*a]", "\n  - id: gazette\n    passage: x", "\n  - text: t\n    by: b\n    source: radio"]))
FRONT = st.lists(st.tuples(KEYS, VALUES), max_size=8).map(lambda kv: "\n".join(f"{k}: {v}" for k, v in kv))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(FRONT, st.text(max_size=80)), st.booleans())
def test_front_matter_is_read_or_reported_never_raised(front, fast):
    raw = f"---\n{front}\n---\nBody.\n".encode("utf-8", "surrogatepass")
    found = Problems()
    load = fastyaml.load if fast else None
    entry = read_entry(raw, "a.md", "content", "Europe/Oslo", found, *([load] if load else []))
    if entry is None or found.errors:
        assert found.errors, "an entry left out must say why"
        assert all(p.path == os.path.join("content", "a.md") and p.line >= 1 for p in found.items)


def test_builds_at_the_calendars_edges_succeed_or_say_why(tmp_path):
    project = copy_fixture(tmp_path / "p")
    (project / "content" / "2021-draft.md").unlink()
    dates = ["0001-01-01", "9999-12-30", "9999-12-31T23:59+14:00", "0001-01-01T00:00-12:00", "2021-03-05T10:00+14:00"]
    for i, when in enumerate(dates):
        (project / "content" / f"edge-{i}.md").write_text(
            f"---\ntitle: Edge {i}\ndate: {when}\nend: 9999\nsources: [gazette]\n---\n", encoding="utf-8")
    (project / "content" / "edge-bad.md").write_text(
        "---\ntitle: Bad\ndate: 10000-01-01\nsources: [gazette]\n---\n", encoding="utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert [(p[0].endswith("edge-bad.md"), p[1]) for p in problems(result.stderr) if p[2] == "error"] == [(True, 3)]
    (project / "content" / "edge-bad.md").unlink()
    # entries only at the very end of the calendar: the overview counts days up to 9999-12-31
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    for i, when in enumerate(["9999-12-30", "9999-12-31"]):
        (project / "content" / f"end-{i}.md").write_text(
            f"---\ntitle: End {i}\ndate: {when}\nsources: [gazette]\n---\n", encoding="utf-8")
    result = build(project, tmp_path / "site2", "--no-cache")
    assert result.returncode == 0, result.stderr
