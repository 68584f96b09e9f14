"""The exports of section 8 of the contract, read as their readers read
them: TimelineJS's JSON, iCalendar (parsed with icalendar), CSV."""

from __future__ import annotations

import calendar
import codecs
import csv
import io
import json
import re
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import icalendar
import pytest
from zoneinfo import ZoneInfo

from conftest import build_site
from helpers import FIXTURES, run_build


def _copy(tmp_path: Path, name: str, base_url: bool = True) -> Path:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    if not base_url:
        index = project / "content" / "_index.md"
        index.write_text(re.sub(r"(?m)^base_url:.*\n", "", index.read_text(encoding="utf-8")), encoding="utf-8")
    return project


def _build(project: Path, site: Path, *args: str) -> Path:
    result = build_site(project / "content", project / "seeds", site, *args)
    assert result.returncode == 0, result.stderr
    return site


def _timeline(site: Path) -> dict:
    return json.loads((site / "timeline.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("base_url", [True, False])
def test_timelinejs_json_holds_each_entry_with_its_quotes_and_links(tmp_path, base_url):
    site = _build(_copy(tmp_path, "basic", base_url), tmp_path / "site")
    data = json.loads((site / "timelinejs.json").read_text(encoding="utf-8"))
    timeline = _timeline(site)
    base = timeline.get("base_url") or ""
    assert bool(base) == base_url
    assert data["title"]["text"]["headline"] == timeline["title"]
    entries = [e for e in timeline["entries"] if not e.get("draft")]
    assert len(data["events"]) == len(entries)
    for event, entry in zip(data["events"], entries):
        assert event["unique_id"] == entry["slug"]
        iso = entry["date"]
        parts = re.match(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?(?:T(\d\d):(\d\d)(?::(\d\d))?)?", iso).groups()
        wanted = {k: int(v) for k, v in zip(("year", "month", "day", "hour", "minute", "second"), parts) if v}
        assert event["start_date"] == wanted, (iso, event["start_date"])
        assert ("end_date" in event) == bool(entry.get("end"))
        assert event.get("display_date") == entry.get("display_date")
        assert event.get("group") == entry.get("group")
        text = event["text"]["text"]
        assert f'href="{base}{entry["url"]}"' in text
        for quote in entry["quotes"]:
            assert quote["url"] and f'href="{base}{quote["url"]}"' in text
            assert quote["by"].replace("&", "&amp;") in text
            assert "<blockquote>" in text
        for citation in entry["sources"]:
            assert f'href="{base}sources/{citation["id"]}.html"' in text
    # Links are the site's own pages (a footnote's stays in the slide's text)
    for event in data["events"]:
        for href in re.findall(r'href="([^"#][^"]*)"', event["text"]["text"]):
            if base_url:
                assert urlsplit(href).scheme, href
            elif not urlsplit(href).scheme:
                assert (site / unquote(href.split("#")[0])).is_file(), href


def test_timelinejs_media_is_the_first_item(tmp_path):
    site = _build(_copy(tmp_path, "tracks", base_url=False), tmp_path / "site")
    data = json.loads((site / "timelinejs.json").read_text(encoding="utf-8"))
    timeline = _timeline(site)
    by_slug = {e["slug"]: e for e in timeline["entries"]}
    with_media = [ev for ev in data["events"] if by_slug[ev["unique_id"]]["media"]]
    assert with_media
    for event in with_media:
        first = by_slug[event["unique_id"]]["media"][0]
        assert event["media"]["url"] == first.get("file") or event["media"]["url"] == first.get("url")
        if first.get("file"):
            assert (site / first["file"]).is_file()
    assert [era["text"]["headline"] for era in data["eras"]] == [era["title"] for era in timeline["eras"]]


# ---- timeline.ics ----

def _last_day(iso: str) -> date:
    parts = [int(p) for p in iso[:10].split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], 12, 31)


def _moment(iso: str, tz: str) -> datetime:
    """The earliest moment an ISO date at any precision means, in UTC."""
    if "T" in iso:
        return datetime.fromisoformat(iso).astimezone(timezone.utc)
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


@pytest.mark.parametrize("name, base_url", [("basic", True), ("tracks", False)])
def test_timeline_ics_parses_with_every_dated_entry(tmp_path, name, base_url):
    site = _build(_copy(tmp_path, name, base_url), tmp_path / "site")
    raw = (site / "timeline.ics").read_bytes()
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")   # RFC 5545 line ends
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    timeline = _timeline(site)
    tz = timeline["timezone"]
    host = urlsplit(timeline["base_url"]).hostname if base_url else "timeline"
    entries = [e for e in timeline["entries"] if not e.get("draft")]
    dated = [e for e in entries if len(e["date"]) >= 10]
    assert len(dated) < len(entries)   # the fixtures hold month and year entries: left out
    events = {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}
    assert list(events) == [f"{e['slug']}@{host}" for e in dated]
    for entry in dated:
        ev = events[f"{entry['slug']}@{host}"]
        assert str(ev["summary"]) == entry["title"]
        start = ev.decoded("dtstart")
        stamp = ev.decoded("dtstamp")
        assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
        assert stamp == _moment(entry.get("updated") or entry["date"], tz)
        if "T" in entry["date"]:
            assert isinstance(start, datetime) and start.utcoffset() == timedelta(0)
            assert ev["dtstart"].to_ical().endswith(b"Z")
            assert start == _moment(entry["date"], tz)
            if entry.get("end") and "T" in entry["end"]:
                assert ev.decoded("dtend") == _moment(entry["end"], tz)
            elif entry.get("end"):
                assert ev.decoded("dtend") > start
            else:
                assert "dtend" not in ev
        else:
            assert type(start) is date and start == date.fromisoformat(entry["date"][:10])
            assert ev["dtstart"].params.get("VALUE") == "DATE" or b"VALUE=DATE" in ev.to_ical()
            # DTEND is exclusive: the day after the last day
            assert ev.decoded("dtend") == _last_day(entry.get("end") or entry["date"]) + timedelta(days=1)
        description = str(ev["description"])
        page = (timeline["base_url"] if base_url else "") + entry["url"]
        assert description.endswith(page)
        assert ("url" in ev) == base_url and (not base_url or str(ev["url"]) == page)
        if entry.get("place"):
            assert str(ev["location"]) == entry["place"]


def test_ics_all_day_span_and_exclusive_end(tmp_path):
    """A span of days ends the day after its last day; a span ending in a
    month ends after that month's last day."""
    project = _copy(tmp_path, "basic")
    (project / "content" / "2021-05-span.md").write_text(
        "---\ntitle: Ferry runs\ndate: 2021-05-30\nend: 2021-06\nsources: [gazette]\n---\nThe ferry ran.\n",
        encoding="utf-8")
    (project / "content" / "2021-12-31-eve.md").write_text(
        "---\ntitle: Year's end\ndate: 2021-12-30\nend: 2021-12-31\nsources: [gazette]\n---\n", encoding="utf-8")
    site = _build(project, tmp_path / "site")
    cal = icalendar.Calendar.from_ical((site / "timeline.ics").read_bytes())
    events = {str(ev["summary"]): ev for ev in cal.walk("VEVENT")}
    assert events["Ferry runs"].decoded("dtstart") == date(2021, 5, 30)
    assert events["Ferry runs"].decoded("dtend") == date(2021, 7, 1)
    assert events["Year's end"].decoded("dtend") == date(2022, 1, 1)


def test_exports_are_byte_identical_on_rebuilds(tmp_path):
    project = _copy(tmp_path, "tracks")
    first = _build(project, tmp_path / "one", "--no-cache")
    second = _build(project, tmp_path / "two", "--no-cache")
    for name in EXPORTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).stat().st_size > 0


EXPORTS = ["timelinejs.json", "timelinejs.js", "timeline.ics", "entries.csv", "quotes.csv", "figures.csv"]


# ---- entries.csv, quotes.csv, figures.csv ----

def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def _round_trip(tmp_path: Path, name: str, extra: dict[str, str] | None = None) -> tuple[list[dict], list[dict], Path]:
    """Export the fixture (with the `extra` entry files added), import its
    entries.csv into an empty project with the same settings, sources and
    pictures, build it: (the entries before, the entries after, the sheet)."""
    project = _copy(tmp_path, name)
    for file, text in (extra or {}).items():
        (project / "content" / file).write_text(text, encoding="utf-8")
    site = _build(project, tmp_path / "site")
    sheet = tmp_path / "entries.csv"
    shutil.copy(site / "entries.csv", sheet)
    again = tmp_path / "again"
    shutil.copytree(project / "seeds", again / "seeds")
    # The pictures stay where they were inside content/; no entry file comes along.
    shutil.copytree(project / "content", again / "content", ignore=shutil.ignore_patterns("*.md"))
    # The same settings (its introduction links to entry files by the names they had).
    settings = (project / "content" / "_index.md").read_text(encoding="utf-8").split("\n---\n")[0]
    (again / "content" / "_index.md").write_text(settings + "\n---\n", encoding="utf-8")
    result = run_build("import", sheet, "--content", again / "content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "", result.stderr          # nothing kept aside with a warning
    rebuilt = _build(again, tmp_path / "site-again")
    before = [e for e in _timeline(site)["entries"] if not e.get("draft")]
    after = _timeline(rebuilt)["entries"]
    for entries, where in ((before, site), (after, rebuilt)):
        for e in entries:
            e["body"] = _body(where, e)
    return before, after, sheet


class _BodyWords(HTMLParser):
    """The words and links of an entry page's summary (section.body)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.words: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in VOID
            if tag == "a" and not (attrs.get("href") or "").startswith("#"):
                self.links.append(attrs.get("href"))
        elif tag == "section" and attrs.get("class") == "body":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words.append(data)


VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}


def _body(site: Path, entry: dict) -> tuple[str, list[str]]:
    """An entry's summary as its page shows it: its words (import keeps
    paragraphs, links, emphasis and lists and reduces other markup to its
    text), and its links."""
    parser = _BodyWords()
    parser.feed((site / unquote(entry["url"])).read_text(encoding="utf-8"))
    words = " ".join(" ".join(parser.words).replace("↩︎", " ").split())
    return re.sub(r" ([.,;:!?])", r"\1", words), parser.links


def _moment_of(iso: str | None) -> tuple | None:
    if iso is None:
        return None
    return (datetime.fromisoformat(iso).astimezone(timezone.utc), "T") if "T" in iso else (iso, "")


FIELDS = ["title", "date", "end", "display_date", "group", "place", "tags", "people", "body"]


def _compare(before: list[dict], after: list[dict], fields: list[str]) -> list[str]:
    """Every difference, field by field, of entries matched in order."""
    problems = []
    assert len(after) == len(before), ([e["title"] for e in before], [e["title"] for e in after])
    for old, new in zip(before, after):
        for name in fields:
            if name == "body":
                a, b = old["body"], new["body"]
            elif name in ("date", "end", "updated"):
                a, b = _moment_of(old.get(name)), _moment_of(new.get(name))
            elif name == "sources":
                a = [(c["id"], c.get("passage")) for c in old["sources"]]
                b = [(c["id"], c.get("passage")) for c in new["sources"]]
            elif name == "quotes":
                a = [(q["text"], q["by"], q["source"]) for q in old["quotes"]]
                b = [(q["text"], q["by"], q["source"]) for q in new["quotes"]]
            else:
                a, b = old.get(name), new.get(name)
            if a != b:
                problems.append(f"{old['slug']}: {name}: {a!r} became {b!r}")
    return problems


ALL_FIELDS = FIELDS + ["approximate", "sources", "quotes", "figures", "media", "updated", "corrections",
                             "extra"]


def test_entries_csv_round_trip(tmp_path):
    """Every field of section 3 that entries.csv holds comes back."""
    for name in ("basic", "tracks"):
        before, after, _ = _round_trip(tmp_path / name, name)
        problems = _compare(before, after, ALL_FIELDS)
        assert not problems, "\n".join(problems)


def test_a_tag_or_person_holding_a_semicolon_comes_back_whole(tmp_path):
    # A list cell separates its items by ";": one inside a name is doubled.
    entry = ("---\ntitle: Talks; then a vote\ndate: 2021-05-03\n"
             "tags: ['Left; right', 'the ;; odd one', 'ends;', plain]\npeople: ['Ng; Mira', Jon Berg]\n"
             "sources: [gazette]\n---\nA body.\n")
    before, after, sheet = _round_trip(tmp_path / "semi", "basic", {"2021-05-03-semicolons.md": entry})
    row = next(r for r in _read_csv(sheet) if r["Headline"] == "Talks; then a vote")
    assert row["Tags"] == "Left;; right; the ;;;; odd one; ends;;; plain" and row["People"] == "Ng;; Mira; Jon Berg"
    [was] = [e for e in before if e["title"] == "Talks; then a vote"]
    [now] = [e for e in after if e["title"] == "Talks; then a vote"]
    assert now["tags"] == was["tags"] == ["Left; right", "the ;; odd one", "ends;", "plain"]
    assert now["people"] == was["people"]
    assert not _compare(before, after, ALL_FIELDS)


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    project = _copy(tmp_path, "basic")
    (project / "content" / "2021-05-01-formulas.md").write_text(
        "---\n"
        "title: =HYPERLINK(\"https://evil.example\", \"click\")\n"
        "date: 2021-05-01\n"
        "place: +49 Harbour Road\n"
        "tags: [-minus, '@handle', plain]\n"
        "sources: [gazette]\n"
        "quotes:\n"
        "  - text: We cannot take the risk\n"
        "    by: '@mira'\n"
        "    source: gazette\n"
        "figures:\n"
        "  - what: =1+1\n"
        "    value: -3\n"
        "    source: gazette\n"
        "---\n"
        "=cmd|' /C calc'!A0 is not a formula here.\n", encoding="utf-8")
    site = _build(project, tmp_path / "site")
    for name in ("entries.csv", "quotes.csv", "figures.csv"):
        raw = (site / name).read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), name
        text = raw[3:].decode("utf-8")
        assert "\r\n" in text
        for row in csv.reader(io.StringIO(text, newline="")):
            for value in row:
                assert value[:1] not in ("=", "+", "-", "@"), (name, value)
    rows = [r for r in _read_csv(site / "entries.csv") if "HYPERLINK" in r["Headline"]]
    assert rows[0]["Headline"] == "'=HYPERLINK(&#34;https://evil.example&#34;, &#34;click&#34;)"
    assert rows[0]["Place"] == "'+49 Harbour Road"
    assert rows[0]["Tags"] == "'-minus; @handle; plain"
    assert rows[0]["Quote By"] == "'@mira"
    assert rows[0]["Figure What"] == "'=1+1" and rows[0]["Figure Value"] == "'-3"
    assert rows[0]["Text"].startswith("<p>=cmd")       # HTML: it begins with its tag
    quotes = [r for r in _read_csv(site / "quotes.csv") if r["by"] == "'@mira"]
    assert len(quotes) == 1


def test_quotes_and_figures_csv_hold_their_verification_and_links(tmp_path):
    project = _copy(tmp_path, "basic", base_url=False)
    (project / "content" / "2021-05-02-count.md").write_text(
        "---\ntitle: A count nobody checked\ndate: 2021-05-02\nsources: [radio]\nfigures:\n"
        "  - what: daily crossings\n    value: 2500.5\n    qualifier: about\n    source: radio\n---\n",
        encoding="utf-8")
    site = _build(project, tmp_path / "site")
    timeline = _timeline(site)
    sources = {s["id"]: s for s in timeline["sources"]}
    entries = [e for e in timeline["entries"] if not e.get("draft")]
    quotes = _read_csv(site / "quotes.csv")
    assert [(q["text"], q["by"], q["source"], q["entry"]) for q in quotes] == \
        [(q["text"], q["by"], q["source"], e["slug"]) for e in entries for q in e["quotes"]]
    for row in quotes:
        assert row["publisher"] == sources[row["source"]]["publisher"]
        assert row["published"] == sources[row["source"]]["published"]
        page, mark = row["link"].split("#")
        assert mark.startswith("q-")
        assert f'id="{mark}"' in (site / page).read_text(encoding="utf-8")
        assert (site / unquote(row["entry_link"])).is_file()
    figures = _read_csv(site / "figures.csv")
    wanted = [(x["what"], x["source"], x.get("passage") or "", "true" if x["verified"] else "false", e["slug"])
              for e in entries for x in e["figures"]]
    assert [(f["what"], f["source"], f["passage"], f["verified"], f["entry"]) for f in figures] == wanted
    assert {f["verified"] for f in figures} == {"true", "false"}   # the fixture holds both kinds
    for row in figures:
        assert float(row["value"]) and row["publisher"] == sources[row["source"]]["publisher"]
        if row["verified"] == "true":
            page, mark = row["link"].split("#")
            assert f'id="{mark}"' in (site / page).read_text(encoding="utf-8")
