"""The exports of section 8 of the contract, read as their readers read
them: TimelineJS's JSON, iCalendar (parsed with icalendar), CSV."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

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
