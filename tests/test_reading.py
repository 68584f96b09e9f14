"""Small things a reader saw (issue 22): a time shows its zone once, as
people there name it; a figure reads as a sentence; tags are told apart in
print; the figures table fits a wide screen as it fits a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import file_url, new_page
from helpers import read_page, run_build

SOURCES = """\
gazette:
  file: gazette.txt
  publisher: Harbour Gazette
  title: Council votes to close Quay Street
  published: 2024-01-06
"""
GAZETTE = ("The council voted at six in the evening. Some 2,500 troops were sent to the harbour.\n\n"
           "Eighteen people were hurt.\n")


def timeline(tmp_path: Path, zone: str, entries: dict[str, str]) -> Path:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "content" / "_index.md").write_text(f"---\ntitle: Harbour\ntimezone: {zone}\n---\nThe harbour.\n",
                                                encoding="utf-8")
    (root / "seeds" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "seeds" / "gazette.txt").write_text(GAZETTE, encoding="utf-8")
    for name, front in entries.items():
        (root / "content" / f"{name}.md").write_text(f"---\n{front}sources: [gazette]\n---\nWhat happened.\n",
                                                     encoding="utf-8")
    built = run_build("build", "--no-cache", cwd=root)
    assert built.returncode == 0, built.stderr
    return root / "site"


def when(site: Path, slug: str) -> str:
    page = read_page(site, f"entries/{slug}.html")
    return next(p for p in page.root.find_all("p") if "when" in p.classes).words()


@pytest.mark.parametrize("zone, date, shown", [
    ("Europe/London", "2024-01-06T18:00", "Saturday 6 January 2024, 18:00 GMT"),
    ("Europe/London", "2024-07-06T18:00", "Saturday 6 July 2024, 18:00 BST"),
    ("UTC", "2024-01-06T18:00", "Saturday 6 January 2024, 18:00 UTC"),
    ("Asia/Almaty", "2022-01-07T15:00", "Friday 7 January 2022, 15:00 UTC+6"),
    ("Europe/London", "2024-01-06T18:00+06:00", "Saturday 6 January 2024, 18:00 UTC+6"),
])
def test_a_time_shows_its_zone_once_as_people_there_name_it(tmp_path, zone, date, shown):
    site = timeline(tmp_path, zone, {"vote": f"title: The vote\ndate: {date}\n"})
    assert when(site, "vote") == shown
    assert zone not in when(site, "vote") or zone == "UTC"


def test_a_span_of_times_names_the_zone_of_each_end_once(tmp_path):
    site = timeline(tmp_path, "Europe/London",
                    {"vote": "title: The vote\ndate: 2024-03-30T18:00\nend: 2024-03-31T18:00\n"})
    assert when(site, "vote") == "Saturday 30 March 2024, 18:00 GMT to Sunday 31 March 2024, 18:00 BST"


def test_a_figure_reads_as_a_sentence_without_its_unit_twice(tmp_path):
    site = timeline(tmp_path, "UTC", {"troops": (
        "title: Troops arrive\ndate: 2024-01-06\nfigures:\n"
        "  - what: CSTO troops sent to the harbour\n    value: 2500\n    unit: troops\n    source: gazette\n"
        "  - what: people hurt\n    value: 18\n    source: gazette\n"
        "  - what: hurt in the clashes\n    value: 18\n    unit: people\n    qualifier: at least\n"
        "    source: gazette\n")})
    page = read_page(site, "entries/troops.html")
    items = [li.words() for li in page.root.find_all("li") if any("figure-list" in a.classes for a in li.ancestors())]
    assert items[0].startswith("2,500 CSTO troops sent to the harbour: Harbour Gazette"), items
    assert "troops CSTO troops" not in " ".join(items)
    assert items[1].startswith("18 people hurt: Harbour Gazette"), items
    assert items[2].startswith("hurt in the clashes: at least 18 people: Harbour Gazette"), items


def test_tags_are_separated_on_screen_and_in_print(browser, tmp_path):
    site = timeline(tmp_path, "UTC", {"vote": "title: The vote\ndate: 2024-01-06\n"
                                              "tags: [security forces, harbour, Quay Street]\n"})
    opened = new_page(browser)
    try:
        opened.page.goto(file_url(site / "entries" / "vote.html"))
        opened.page.emulate_media(media="print")
        shown = opened.page.evaluate("""() => {
          const dt = [...document.querySelectorAll('dt')].find(d => d.textContent === 'Tags');
          return dt.nextElementSibling.innerText;
        }""")
    finally:
        opened.page.context.close()
    assert shown == "security forces, harbour, Quay Street"


OVERFLOWING = """() => {
  const out = [];
  for (const table of document.querySelectorAll('.figures-table')) {
    const box = table.getBoundingClientRect();
    if (table.scrollWidth > table.clientWidth + 0.5) out.push(`a table scrolls: ${table.scrollWidth} > ${table.clientWidth}`);
    for (const cell of table.querySelectorAll('th, td')) {
      const head = cell.closest('thead');
      if (head && head.getBoundingClientRect().width <= 1) continue;   // the phone layout hides the head
      const r = cell.getBoundingClientRect();
      if (r.width && (r.right > box.right + 0.5 || cell.scrollWidth > cell.clientWidth + 0.5))
        out.push(`${cell.dataset.label || cell.textContent}: ${Math.round(r.right)} > ${Math.round(box.right)}`);
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) out.push(`the page scrolls sideways: ${page.scrollWidth}`);
  return out;
}"""


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    """The example timeline, built once for these tests."""
    out = tmp_path_factory.mktemp("example") / "site"
    result = run_build("build", "--no-cache", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("width", [1280, 1024, 800, 390])
def test_the_figures_table_fits_the_screen(browser, example_site, width):
    site = example_site
    opened = new_page(browser, width=width, height=900)
    try:
        opened.page.goto(file_url(site / "figures.html"))
        entry_cells = opened.page.locator("td[data-label=Entry]")
        assert entry_cells.count() > 10
        assert opened.page.evaluate(OVERFLOWING) == []
        # Every entry's title shows whole, on the screen.
        for i in range(entry_cells.count()):
            box = entry_cells.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box)
    finally:
        opened.page.context.close()
