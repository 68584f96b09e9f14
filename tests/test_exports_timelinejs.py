"""timelinejs.json and timelinejs.js loaded by the real TimelineJS
(@knight-lab/timelinejs from tests/node) in Chromium, from disk: every
published entry a slide with its headline, the eras drawn, nothing asked
of another host."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from browser_support import NODE_MODULES, NPM_HINT, file_url, skip_or_fail
from conftest import build_site
from helpers import FIXTURES

TLJS = NODE_MODULES / "@knight-lab" / "timelinejs" / "dist"

# A page as a newsroom would write it beside the site's files: TimelineJS's
# own CSS and script, then the timeline as a script (file:// may not fetch).
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="stylesheet" href="{tljs}/css/timeline.css">
<script src="{tljs}/js/timeline.js"></script>
<script src="timelinejs.js"></script>
</head><body>
<div id="timeline-embed" style="width: 100%; height: 600px"></div>
<script>
window.timeline = new TL.Timeline("timeline-embed", window.TIMELINE_JSON, {{font: null}});
</script>
</body></html>
"""


def _project(tmp_path: Path, name: str, base_url: bool) -> Path:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    if not base_url:
        index = project / "content" / "_index.md"
        index.write_text(re.sub(r"(?m)^base_url:.*\n", "", index.read_text(encoding="utf-8")), encoding="utf-8")
    return project


@pytest.mark.parametrize("name", ["tracks", "basic"])
def test_timelinejs_loads_every_entry_from_disk(open_page, tmp_path, name):
    if not (TLJS / "js" / "timeline.js").is_file():
        skip_or_fail(f"TimelineJS is not installed ({TLJS} missing): {NPM_HINT}")
    project = _project(tmp_path, name, base_url=False)
    site = tmp_path / "site"
    result = build_site(project / "content", project / "seeds", site)
    assert result.returncode == 0, result.stderr
    data = json.loads((site / "timelinejs.json").read_text(encoding="utf-8"))
    script = (site / "timelinejs.js").read_text(encoding="utf-8")
    assert script.startswith("window.TIMELINE_JSON = ") and script.endswith(";\n")
    assert json.loads(script[len("window.TIMELINE_JSON = "):-2]) == data
    timeline = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    published = [e for e in timeline["entries"] if not e.get("draft")]
    assert [e["unique_id"] for e in data["events"]] == [e["slug"] for e in published]

    page_file = site / "tljs.html"
    page_file.write_text(PAGE.format(tljs=file_url(TLJS)), encoding="utf-8")
    page, errors, external = open_page(file_url(page_file), width=1000, height=700)
    page.wait_for_selector(".tl-slide-content", state="attached", timeout=20_000)
    page.wait_for_timeout(500)
    assert external == [], f"TimelineJS asked another host for {external}"
    ids = page.evaluate("() => [...document.querySelectorAll('.tl-slide')].map(s => s.id)")
    assert [i for i in ids if i in {e["slug"] for e in published}] == [e["slug"] for e in published]
    headlines = page.evaluate(
        "() => [...document.querySelectorAll('.tl-slide .tl-headline')].map(h => h.textContent.trim())")
    for entry in published:
        assert entry["title"] in headlines
    # Each slide's marker on the time axis shows its headline too.
    markers = page.evaluate(
        "() => [...document.querySelectorAll('.tl-timemarker .tl-headline')].map(h => h.textContent.trim())")
    assert sorted(markers) == sorted(e["title"] for e in published)
    eras = page.evaluate("() => [...document.querySelectorAll('.tl-timeera .tl-timeera-text')]"
                         ".map(h => h.textContent.trim())")
    assert sorted(eras) == sorted(era["title"] for era in timeline.get("eras", []))
    assert not [e for e in errors if "Failed to load" not in e], errors
