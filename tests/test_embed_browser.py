"""embed.html inside an <iframe> of an article, in Chromium from disk: at a
phone's width (300 x 400) and an article's (680 x 700), with and without
JavaScript; the address's #start=, #tag=, #person= and #group=; links that
open in the top window; axe-core finds nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from browser_support import file_url, format_violations, run_axe
from conftest import build_site
from helpers import FIXTURES

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An article</title></head>
<body><h1>An article about the harbour</h1><p>Some words of the article.</p>
<iframe src="{src}" width="{width}" height="{height}" title="Timeline" style="border: 1px solid #999"></iframe>
<p>More of the article.</p></body></html>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("embed")
    project = root / "project"
    shutil.copytree(FIXTURES / "tracks", project)
    # More entries than one screen holds, with tags, people and groups spelt as entries write them.
    for i in range(1, 9):
        (project / "content" / f"2022-0{i}-0{i}-step-{i}.md").write_text(
            f"---\ntitle: Step {i} of the works\ndate: 2022-0{i}-0{i}\n"
            f"tags: [{'dredging' if i % 2 else 'quay'}]\npeople: [{'Ola Nes' if i < 4 else 'Kari Lund'}]\n"
            f"group: {'Works' if i % 3 else 'Council'}\nsources: [news]\n---\n"
            f"The works went on, step {i}. A second sentence says more about it.\n", encoding="utf-8")
    result = build_site(project / "content", project / "seeds", root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def _entries(site: Path) -> list[dict]:
    return json.loads((site / "timeline.json").read_text(encoding="utf-8"))["entries"]


def _frame(open_page, site: Path, fragment: str, width: int, height: int, javascript: bool = True):
    article = site.parent / f"article-{width}.html"
    src = "site/embed.html" + (f"#{fragment}" if fragment else "")
    article.write_text(ARTICLE.format(src=src, width=width, height=height), encoding="utf-8")
    page, errors, external = open_page(file_url(article), width=1000, height=900, javascript=javascript)
    frame = page.frame_locator("iframe")
    frame.locator(".embed-list").wait_for()
    inner = next(f for f in page.frames if f.url.split("#")[0].endswith("embed.html"))
    return page, inner, errors, external


def _visible(inner) -> list[str]:
    """Ids of the entries shown, and whether each is in the frame's view."""
    return inner.evaluate("""() => [...document.querySelectorAll('.embed-entry')]
        .filter(li => !li.hidden && li.getBoundingClientRect().height > 0).map(li => li.id)""")


@pytest.mark.parametrize("width, height", [(300, 400), (680, 700)])
@pytest.mark.parametrize("javascript", [True, False])
def test_the_entries_come_first_and_fit(open_page, site, width, height, javascript):
    page, inner, errors, external = _frame(open_page, site, "", width, height, javascript)
    entries = _entries(site)
    assert _visible(inner) == [e["slug"] for e in entries]          # the whole list
    first = inner.evaluate(f"""() => {{
        const h = document.getElementById({json.dumps(entries[0]['slug'])}).querySelector('h2');
        const r = h.getBoundingClientRect();
        return [r.top, r.bottom, r.left, r.right];
    }}""")
    # The first entry's title is in view at once, with no scrolling: no header before it.
    assert 0 <= first[0] and first[1] <= height / 2 and 0 <= first[2] and first[3] <= width
    sizes = inner.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"the page is wider than the frame: {sizes}"
    font = inner.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.embed-entry h2')).fontSize)")
    assert font >= 14
    assert inner.evaluate("() => [...document.querySelectorAll('a[href]')].every(a => a.target === '_top')")
    assert external == [] and errors == []


def test_start_scrolls_to_its_entry_with_the_earlier_ones_above(open_page, site):
    entries = _entries(site)
    target = entries[5]["slug"]
    page, inner, errors, _ = _frame(open_page, site, f"start={quote(target)}", 300, 400)
    top = inner.evaluate(f"() => document.getElementById({json.dumps(target)}).getBoundingClientRect().top")
    assert -2 <= top <= 20
    assert inner.evaluate("() => document.scrollingElement.scrollTop") > 0
    assert _visible(inner) == [e["slug"] for e in entries]          # nothing hidden: earlier ones above
    assert page.evaluate("() => window.scrollY") == 0                # the article stays where it was
    assert errors == []


@pytest.mark.parametrize("fragment, field, name", [
    ("tag=dredging", "tags", "dredging"),
    ("person=" + quote("Ola Nes"), "people", "Ola Nes"),
    ("group=works", "group", "Works"),       # letter case as another entry writes it
])
def test_a_name_after_the_address_shows_only_its_entries(open_page, site, fragment, field, name):
    page, inner, errors, _ = _frame(open_page, site, fragment, 300, 400)
    wanted = [e["slug"] for e in _entries(site)
              if (name.lower() in [v.lower() for v in e.get(field) or []] if field != "group"
                  else (e.get("group") or "").lower() == name.lower())]
    assert 0 < len(wanted) < len(_entries(site))
    assert _visible(inner) == wanted
    status = inner.locator("#embed-status")
    assert status.is_visible() and str(len(wanted)) in status.inner_text()
    inner.get_by_role("link", name="Show all entries").click()
    assert _visible(inner) == [e["slug"] for e in _entries(site)]
    assert errors == []


def test_an_entry_link_opens_in_the_top_window(open_page, site):
    page, inner, errors, _ = _frame(open_page, site, "", 680, 700)
    entry = _entries(site)[1]
    with page.expect_navigation():
        inner.locator(f'[id="{entry["slug"]}"] h2 a').click()
    assert page.url.endswith(entry["url"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_embed_page_has_no_accessibility_violations(open_page, site, scheme):
    page, errors, external = open_page(file_url(site / "embed.html", "tag=quay"), width=300, height=400,
                                       color_scheme=scheme)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
