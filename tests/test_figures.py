"""Figures claim no more than was checked (CONTRACT.md sections 3 and 5):
a figure with a passage is verified, one without is marked on every page
that shows it and in timeline.json; numbers of different units never share
a chart's scale; "compare sources" lands on the figure's own section.
Judged on the built pages, parsed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import build, copy_fixture, load_json, read_page, site_path

# Beside the fixture's two "daily crossings" (people, both with passages):
# one in another unit and one with no passage.
EXTRA = """---
title: Traffic count
date: 2021-03-30
sources: [gazette]
figures:
  - what: Daily  Crossings
    value: 1200
    unit: vehicles
    source: gazette
  - what: daily crossings
    value: 900
    unit: people
    source: gazette
---
The council's traffic count.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("figures")
    project = copy_fixture(tmp / "p")
    (project / "content" / "2021-03-30-count.md").write_text(EXTRA, encoding="utf-8")
    result = build(project, tmp / "site", "--no-cache")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def figures_of(site: Path) -> list[dict]:
    return [f for e in load_json(site)["entries"] for f in e["figures"] if f["what"].casefold().split() == ["daily", "crossings"]]


def test_timeline_json_says_which_figures_were_verified(site):
    verified = {(f["value"], f["unit"]): f["verified"] for f in figures_of(site)}
    assert verified == {(4000, "people"): True, (3500, "people"): True, (1200, "vehicles"): False, (900, "people"): False}
    for entry in load_json(site)["entries"]:
        for f in entry["figures"]:
            assert f["verified"] is (f["passage"] is not None)
            assert ("#" in f["url"]) is f["verified"], "an unchecked figure must not link to a mark"


def test_an_unchecked_figure_says_so_on_its_entry_page(site):
    page = read_page(site, "entries/2021-03-30-count.html")
    items = [li for li in page.root.find_all("li") if re.search(r"\b(1,200|900)\b", li.words())]
    assert len(items) == 2
    for li in items:
        assert "not checked against the source’s text" in li.words(), li.words()
    checked = read_page(site, "entries/2021-03-28-mayor.html")
    item = next(li for li in checked.root.find_all("li") if "3,500" in li.words())
    assert "not checked" not in item.words()


def test_compare_sources_leads_to_the_figures_own_section(site):
    for slug in ("2021-03-30-count", "2021-03-28-mayor"):
        path = f"entries/{slug}.html"
        page = read_page(site, path)
        links = [a for a in page.root.find_all("a") if a.words() == "compare sources"]
        assert links
        for a in links:
            target, fragment = site_path(path, a.attrs["href"])
            assert target == "figures.html" and fragment, a.attrs["href"]
            heading = read_page(site, target).by_id(fragment)
            assert heading is not None and heading.words().casefold() == "daily crossings", fragment


def test_each_unit_is_charted_on_its_own_scale(site):
    page = read_page(site, "figures.html")
    section = next(s for s in page.root.find_all("section") if s.find_all("h2")[0].words().casefold() == "daily crossings")
    assert "different units" in section.words()
    bodies = section.find_all("tbody")
    assert len(bodies) == 2, "one row group per unit"
    scales = {}
    for body in bodies:
        heading = body.find_all("th", scope="rowgroup")[0].words()
        widths = {}
        for row in body.find_all("tr"):
            cells = row.find_all("td")
            if cells:
                widths[cells[0].words()] = float(row.find_all("rect")[0].attrs["width"])
        scales[heading] = widths
    people = next(v for k, v in scales.items() if "people" in k)
    vehicles = next(v for k, v in scales.items() if "vehicles" in k)
    # each scale's tallest is full length: 1,200 vehicles is not drawn as 30 % of 4,000 people
    assert vehicles == {"1,200 vehicles": 100.0}
    assert people["about 4,000 people"] == 100.0 and people["3,500 people"] == pytest.approx(87.5)
    assert people["900 people"] == pytest.approx(22.5)
    # the rows say which were checked
    checked = {row.find_all("td")[0].words(): row.find_all("td", **{"data-label": "Checked"})[0].words()
               for body in bodies for row in body.find_all("tr") if row.find_all("td")}
    assert checked["about 4,000 people"] == "passage verified"
    assert "not checked" in checked["1,200 vehicles"] and "not checked" in checked["900 people"]
    assert "2 numbers here were given without a passage" in section.words()


def test_one_unit_draws_no_unit_notice(tmp_path):
    project = copy_fixture(tmp_path / "p")
    assert build(project, tmp_path / "site", "--no-cache").returncode == 0
    page = read_page(tmp_path / "site", "figures.html")
    assert "different units" not in page.main_text()
    assert "not checked" not in page.main_text()   # every fixture figure has its passage


def test_the_footer_says_what_is_checked(site):
    footer = read_page(site, "index.html").root.find_all("footer")[0].words()
    assert "every quote, and every passage cited for an entry or a figure" in footer
    assert "A figure without a passage is marked as not checked" in footer
