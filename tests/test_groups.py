"""Tags and people (CONTRACT.md section 3): spellings that differ only in
letter case are one group, shown as most entries write it; two different
names that would make the same page name get pages of their own. Judged
on the built pages and the search index."""

from __future__ import annotations

import json
from urllib.parse import unquote
from pathlib import Path

from helpers import build, copy_fixture, snapshot

ENTRY = """---
title: {title}
date: 2021-05-0{day}
tags: [{tags}]
people: [{people}]
sources: [gazette]
---
Body.
"""


def project_with(tmp_path: Path, entries: list[tuple[str, str, str]]) -> Path:
    project = copy_fixture(tmp_path / "p")
    for day, (title, tags, people) in enumerate(entries, 1):
        (project / "content" / f"2021-05-0{day}-e{day}.md").write_text(
            ENTRY.format(title=title, day=day, tags=tags, people=people), encoding="utf-8")
    return project


def search_data(site: Path) -> dict:
    text = (site / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))


def html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def link_of(page: str, label: str) -> str:
    """The href of the link whose text is `label`."""
    assert f">{label}</a>" in page
    before = page.split(f">{label}</a>")[0]
    return unquote(before.rsplit('href="', 1)[1].split('"')[0])


def test_spellings_that_differ_in_case_are_one_tag_shown_as_most_write_it(tmp_path):
    project = project_with(tmp_path, [("One", "Harbour Works", "Ana Ruiz"), ("Two", "harbour works", "ana  ruiz"),
                                      ("Three", "harbour works", "Ana Ruiz")])
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert [p for p in snapshot(site) if p.startswith("tags/harbour")] == ["tags/harbour-works.html"]
    page = html(site, "tags/harbour-works.html")
    assert "harbour works" in page and "Harbour Works" not in page
    assert all(f">{title}<" in page for title in ("One", "Two", "Three"))
    assert [p for p in snapshot(site) if p.startswith("people/ana")] == ["people/ana-ruiz.html"]
    assert "Ana Ruiz" in html(site, "people/ana-ruiz.html")
    data = search_data(site)
    assert [t for t in data["tags"] if t.casefold() == "harbour works"] == ["harbour works"]
    assert [p for p in data["people"] if p.casefold().startswith("ana")] == ["Ana Ruiz"]
    # The entry that wrote "Harbour Works" links to the one page, by the one label.
    assert link_of(html(site, "entries/2021-05-01-e1.html"), "harbour works") == "../tags/harbour-works.html"
    assert link_of(html(site, "entries/2021-05-02-e2.html"), "Ana Ruiz") == "../people/ana-ruiz.html"


def test_different_names_that_make_one_page_name_get_distinct_pages(tmp_path):
    project = project_with(tmp_path, [("One", "\"Tea, at noon\"", "Jon Berg"), ("Two", "tea-at-noon", "Jon Berg")])
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    first = link_of(html(site, "entries/2021-05-01-e1.html"), "Tea, at noon")
    second = link_of(html(site, "entries/2021-05-02-e2.html"), "tea-at-noon")
    assert first != second
    # What the page shows (its head names its own address in og:url).
    first_page, second_page = (html(site, p[3:]).split("</head>", 1)[1] for p in (first, second))
    assert "Tea, at noon" in first_page and "tea-at-noon" not in first_page
    assert "tea-at-noon" in second_page and "Tea, at noon" not in second_page
    index = html(site, "index.html")
    assert ">Tea, at noon (" in index and ">tea-at-noon (" in index
