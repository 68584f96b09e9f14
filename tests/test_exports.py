"""The exports of section 8 of the contract, read as their readers read
them: TimelineJS's JSON, iCalendar (parsed with icalendar), CSV."""

from __future__ import annotations

import calendar
import json
import re
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import pytest
from zoneinfo import ZoneInfo

from conftest import build_site
from helpers import FIXTURES


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


EXPORTS = ["timelinejs.json", "timelinejs.js", "timeline.ics"]
