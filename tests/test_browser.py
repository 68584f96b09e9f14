"""The built site in a real browser (issue 4): accessibility, search and
filters from file://, JavaScript off, narrow screens, keyboard, print, and the
Nu HTML checker over every page.

Three sites are built once per session into temporary folders:

- `example`: the example timeline of the repository (content/ + seeds/);
- `fixture`: tests/fixtures/basic (hostile text, a zone with daylight saving,
  both archive modes);
- `split`: a small timeline generated here with `page_size: 3`, so the home
  page is split into year and month pages (archive/YYYY.html, archive/YYYY-MM.html).

Every page is opened from disk (file://) in one headless Chromium; each test
gets fresh browser contexts (see conftest.py and browser_support.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from browser_support import file_url, format_violations, new_page, run_axe, vnu_check
from conftest import build_site

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "basic"

HOSTILE_INPUTS = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "<svg/onload=alert(1)>",
    "'; alert(1); //",
]


# ---------------------------------------------------------------- the sites

@dataclass
class Site:
    name: str
    root: Path
    data: dict                      # timeline.json
    rows: list = field(default_factory=list)   # window.TIMELINE_SEARCH

    def url(self, rel: str, fragment: str = "") -> str:
        return file_url(self.root / rel, fragment)

    @property
    def slugs(self) -> list[str]:
        return [e["slug"] for e in self.data["entries"]]

    def html_files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))


def _part(path: Path):
    text = path.read_text(encoding="utf-8").strip()
    assert text.startswith("TIMELINE_SEARCH.parts["), text[:80]
    return json.loads(text[text.index("]=") + 2:].rstrip(";"))


def _load(name: str, root: Path) -> Site:
    data = json.loads((root / "timeline.json").read_text(encoding="utf-8"))
    script = (root / "search-index.js").read_text(encoding="utf-8").strip()
    prefix = "window.TIMELINE_SEARCH="
    assert script.startswith(prefix), script[:80]
    index = json.loads(script[len(prefix):].rstrip(";"))
    count = index["count"]
    # The split index, unpacked into one tuple an entry:
    # (slug, title, date, url, page, place, tags, people, its words of three letters or more).
    shown = [r for k in range(-(-count // index["chunk"])) for r in _part(root / "search" / f"e{k}.js")]
    held: dict[int, list[str]] = {i: [] for i in range(count)}
    for shard in (root / "search").glob("w*.js"):
        for token, numbers in _part(shard)["t"].items():
            for i in _numbers(numbers, count):
                held[i].append(token)
    members = {kind: [_numbers(n, count) for n in _part(root / "search" / f"{kind}.js")] for kind in ("tags", "people")}
    place = {e["slug"]: e["place"] or "" for e in data["entries"]}
    rows = [
        (r[0], r[1], r[2], r[4] if len(r) > 4 else f"entries/{r[0]}.html",
         index["pages"][r[3]] if r[3] >= 0 else "", place[r[0]],
         [index["tags"][t] for t, m in enumerate(members["tags"]) if i in m],
         [index["people"][p] for p, m in enumerate(members["people"]) if i in m], " ".join(sorted(set(held[i]))))
        for i, r in enumerate(shown)
    ]
    return Site(name, root, data, rows)


def _numbers(text: str, count: int) -> set[int]:
    """The entry numbers of the split index's lists (timeline/data.py)."""
    import base64
    if text.startswith("!"):
        bits = int.from_bytes(base64.b64decode(text[1:]), "little")
        return {i for i in range(count) if bits >> i & 1}
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out, value, last = set(), 0, -1
    for c in text:
        v = digits.index(c)
        if v >= 32:
            value = value * 32 + v - 32
        else:
            last += value * 32 + v
            out.add(last)
            value = 0
    return out


def _build(name: str, content: Path, seeds: Path, out: Path) -> Site:
    proc = build_site(content, seeds, out)
    assert proc.returncode == 0, f"build of {name} failed:\n{proc.stdout}\n{proc.stderr}"
    return _load(name, out)


# The split timeline: 12 entries over 2021 and 2022, one source, page_size 3.
# 2021 has 3 entries (one year page); 2022 has 9 (one undated-month entry on
# archive/2022.html, then month pages: four in February, three in May...).
SPLIT_TEXT = """Harbour News, 12 September 2022

The town announced a plan to deepen the harbour for larger ships.

Fishermen objected that the works would drive the fish away.

A survey found thick silt at the harbour mouth, and a dredger was ordered.

The council set aside money for the works in the spring budget.

Work began on the north quay before dawn.

Divers found an old wreck under the north quay.

The wreck was lifted and taken to the museum.

Residents complained about the noise at night.

The dredger broke down and the works stopped for a week.

A second dredger arrived from the capital.

The new quay opened with a brass band.

Ships of every size can now enter the harbour.
"""

SPLIT_ENTRIES = [
    # (file name, date, title, passage, tags, people)
    ("2021-03-10-plan.md", "2021-03-10", "The harbour plan is announced",
     "The town announced a plan to deepen the harbour", ["harbour"], ["Ada Lind"]),
    ("2021-06-02-objections.md", "2021-06-02", "Fishermen object",
     "Fishermen objected that the works would drive the fish away.", ["harbour", "protest"], ["Per Strand"]),
    ("2021-11-20-survey.md", "2021-11-20", "A survey finds silt",
     "a dredger was ordered", ["survey"], []),
    ("2022-budget.md", "2022", "Money for the works",
     "The council set aside money for the works", ["budget"], ["Ada Lind"]),
    ("2022-02-01-works.md", "2022-02-01", "Work begins on the north quay",
     "Work began on the north quay before dawn.", ["works"], []),
    ("2022-02-09-wreck.md", "2022-02-09", "Divers find a wreck",
     "Divers found an old wreck under the north quay.", ["works", "wreck"], []),
    ("2022-02-15-museum.md", "2022-02-15", "The wreck goes to the museum",
     "The wreck was lifted and taken to the museum.", ["wreck"], ["Per Strand"]),
    ("2022-02-28-noise.md", "2022-02-28", "Residents complain of noise",
     "Residents complained about the noise at night.", ["protest"], []),
    ("2022-05-03-breakdown.md", "2022-05-03", "The dredger breaks down",
     "The dredger broke down", ["works"], []),
    ("2022-05-17-second.md", "2022-05-17", "A second machine arrives",
     "A second dredger arrived from the capital.", ["works"], []),
    ("2022-05-30-hostile.md", "2022-05-30", '<img src=x onerror=alert(1)> "Quay" & <b>band</b>',
     "The new quay opened with a brass band.", ["opening"], ["Ada Lind"]),
    ("2022-09-12-ships.md", "2022-09-12", "Ships of every size",
     "Ships of every size can now enter the harbour.", ["opening"], []),
]


def write_split_project(folder: Path) -> tuple[Path, Path]:
    content, seeds = folder / "content", folder / "seeds"
    content.mkdir(parents=True)
    seeds.mkdir()
    (seeds / "news.txt").write_text(SPLIT_TEXT, encoding="utf-8")
    (seeds / "sources.yaml").write_text(
        "news:\n  file: news.txt\n  publisher: Harbour News\n"
        "  title: The harbour, a year of works\n  published: 2022-09-12\n"
        "  url: https://example.org/harbour\n",
        encoding="utf-8")
    (content / "_index.md").write_text(
        "---\ntitle: The harbour works\ntimezone: Europe/Oslo\npage_size: 3\n---\n"
        "How a small harbour was deepened, in twelve entries.\n",
        encoding="utf-8")
    for name, date, title, passage, tags, people in SPLIT_ENTRIES:
        (content / name).write_text(
            "---\n"
            f"title: {json.dumps(title)}\n"
            f"date: {date}\n"
            f"tags: {json.dumps(tags)}\n"
            f"people: {json.dumps(people)}\n"
            "sources:\n  - id: news\n"
            f"    passage: {json.dumps(passage)}\n"
            "---\n"
            f"From the harbour news: {passage.lower()}\n",
            encoding="utf-8")
    return content, seeds


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Site:
    return _build("example", REPO / "content", REPO / "seeds", tmp_path_factory.mktemp("example site") / "site")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Site:
    return _build("fixture", FIXTURE / "content", FIXTURE / "seeds", tmp_path_factory.mktemp("fixture site") / "site")


@pytest.fixture(scope="session")
def split_site(tmp_path_factory) -> Site:
    folder = tmp_path_factory.mktemp("split timeline")
    content, seeds = write_split_project(folder / "project")
    return _build("split", content, seeds, folder / "site")


@pytest.fixture(scope="session")
def tracks_site(tmp_path_factory) -> Site:
    tracks = REPO / "tests" / "fixtures" / "tracks"
    out = tmp_path_factory.mktemp("tracks site") / "site"
    proc = build_site(tracks / "content", tracks / "seeds", out, "--drafts")
    assert proc.returncode == 0, proc.stderr
    return _load("tracks", out)


@pytest.fixture
def sites(request):
    """sites(name) -> the Site, building it on first use."""
    return lambda name: request.getfixturevalue(f"{name}_site")


# ---------------------------------------------------------------- helpers

def fold(text: str) -> str:
    """What search.js does to text before comparing: no accents, lower case."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f").lower()


def expected_matches(site: Site, query: str = "", tag: str = "", person: str = "") -> set[str]:
    """The slugs an entry search should find: every word of the query in the
    title, place, tags, people or text; the tag and the person among its own."""
    words = fold(query).split()
    found = set()
    for slug, title, _date, _url, _page, place, tags, people, text in site.rows:
        hay = fold(" ".join([title, place, " ".join(tags), " ".join(people), text]))
        if tag and tag not in tags:
            continue
        if person and person not in people:
            continue
        if all(w in hay for w in words):
            found.add(slug)
    return found


def settle(page) -> None:
    """search.js loads its index when the search is first used; wait for it."""
    page.wait_for_function(
        "() => { const b = document.getElementById('search');"
        " return !b || !b.dataset.state || b.dataset.state === 'ready'; }")


def visible_articles(page) -> set[str]:
    settle(page)
    return set(page.eval_on_selector_all(
        "article.entry", "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)"))


def empty_visible_days(page) -> list[str]:
    """Day headings left showing with no visible entry under them."""
    return page.eval_on_selector_all(
        ".timeline > .day",
        "days => days.filter(d => d.getClientRects().length > 0 && "
        "![...d.querySelectorAll('article.entry')].some(a => a.getClientRects().length > 0))"
        ".map(d => d.querySelector('.day-heading').textContent)")


def hash_params(page) -> dict[str, str]:
    settle(page)
    fragment = page.evaluate("() => location.hash").lstrip("#")
    return {k: v[0] for k, v in urllib.parse.parse_qs(fragment).items()}


def status_text(page) -> str:
    settle(page)
    return " ".join(page.text_content("[role=status]").split())


def record_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


WATCH_MUTATIONS = """() => {
  window.__added = []; window.__scripts = [];
  new MutationObserver(records => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType === 1) {
        // The one element search.js itself adds outside the results: the scripts of its index.
        const own = n.tagName === 'SCRIPT' && /(^|[/])search(-index|[/][a-z]+[0-9]*)[.]js$/.test(n.getAttribute('src') || '');
        if (own) { window.__scripts.push(n.getAttribute('src')); }
        window.__added.push(n.tagName.toLowerCase() + (own ? '@index' : '') + (n.parentElement && n.parentElement.closest('#search-results') ? '@results' : ''));
      }
    }
  }).observe(document, {childList: true, subtree: true});
}"""

# Elements that could run or load something.
COUNT_ACTIVE = "() => document.querySelectorAll('img, script, iframe, svg, object, embed, [onerror], [onload]').length"


def clean(opened, where: str) -> None:
    """The page logged no console error and asked nothing of another host."""
    assert opened.console_errors == [], f"{where}: console errors:\n" + "\n".join(opened.console_errors)
    assert opened.external_requests == [], f"{where}: requests to other hosts: {opened.external_requests}"


def pick_entry(site: Site) -> str:
    """The entry page with the most on it (quotes, figures, sources, people)."""
    best = max(site.data["entries"], key=lambda e: (
        len(e["quotes"]) + len(e["figures"]) + len(e["sources"]) + len(e["tags"]) + len(e["people"])))
    return best["url"]


def page_of_kind(site: Site, kind: str) -> str:
    """The relative path of a page of this kind in the site."""
    files = site.html_files()
    sources = site.data["sources"]
    if kind == "home":
        return "index.html"
    if kind == "entry":
        return urllib.parse.unquote(pick_entry(site))
    if kind.startswith("entry:"):
        return f"entries/{kind[6:]}.html"
    if kind in ("source-excerpts", "source-full"):
        mode = kind.split("-")[1]
        pages = [s["page"] for s in sources if s["archive"] == mode]
        assert pages, f"{site.name} has no source in {mode} mode"
        return urllib.parse.unquote(pages[0])
    if kind == "sources":
        return "sources/index.html"
    if kind == "figures":
        return "figures.html"
    if kind == "404":
        return "404.html"
    folder = {"tag": "tags/", "person": "people/", "group": "groups/", "archive-year": "archive/", "archive-month": "archive/"}[kind]
    pattern = {"archive-year": r"archive/\d{4}\.html$", "archive-month": r"archive/\d{4}-\d{2}\.html$"}.get(kind, ".")
    found = [f for f in files if f.startswith(folder) and re.search(pattern, f)]
    assert found, f"{site.name} has no {kind} page"
    # The biggest one: most to check.
    return max(found, key=lambda f: ((site.root / f).stat().st_size, f))


# ---------------------------------------------------------------- 1, 2: axe-core, console, other hosts

AXE_PAGES = [
    ("example", "home"), ("example", "entry"), ("example", "source-excerpts"), ("example", "sources"),
    ("example", "figures"), ("example", "tag"), ("example", "person"),
    ("fixture", "home"), ("fixture", "entry:2021-03-26-vote"), ("fixture", "entry:2021-03-28-mayor"),
    ("fixture", "entry:2021-04-02-cafe"), ("fixture", "source-full"), ("fixture", "source-excerpts"),
    ("fixture", "sources"), ("fixture", "figures"), ("fixture", "tag"), ("fixture", "person"), ("fixture", "404"),
    ("split", "home"), ("split", "archive-year"), ("split", "archive-month"), ("split", "entry"),
    # Groups, media, eras, display dates, a draft with no source yet (tests/fixtures/tracks, --drafts).
    ("tracks", "home"), ("tracks", "entry:2021-03-10-plan"), ("tracks", "entry:2021-07-02-works"),
    ("tracks", "entry:2021-09-20-museum"), ("tracks", "group"),
]


@pytest.mark.parametrize("site_name,kind", AXE_PAGES, ids=[f"{s}-{k}" for s, k in AXE_PAGES])
def test_axe_no_violations_light_and_dark(open_page, sites, site_name, kind):
    """axe-core (WCAG 2.2 A and AA) finds nothing, in the light theme and in
    the dark one. The page opens in a light context; the dark run switches the
    same page to prefers-color-scheme: dark (the emulation a dark context
    uses; test_themes_differ opens real dark contexts), which spares loading
    the page and axe-core a second time."""
    site = sites(site_name)
    rel = page_of_kind(site, kind)
    opened = open_page(site.url(rel), color_scheme="light")
    page = opened.page
    report = []
    backgrounds = []
    for scheme in ("light", "dark"):
        if scheme == "dark":
            page.emulate_media(color_scheme="dark")
        assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        backgrounds.append(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
        violations = run_axe(page)
        if violations:
            report.append(format_violations(violations, where=f"[{scheme}] "))
    assert report == [], f"axe-core on {site_name}/{rel}:\n" + "\n".join(report)
    assert backgrounds[0] != backgrounds[1], f"{site_name}/{rel}: the dark theme did not apply"
    clean(opened, f"{site_name}/{rel}")


@pytest.mark.parametrize("site_name,query", [("fixture", "bridge"), ("split", "dredger"), ("example", "zzqxj")])
def test_axe_with_search_active(open_page, sites, site_name, query):
    """The home page with a search under way (status, hidden entries, a list
    of results on a split timeline) has no axe violation either, in both themes."""
    site = sites(site_name)
    opened = open_page(site.url("index.html"))
    page = opened.page
    page.fill("#q", query)
    assert status_text(page) != ""
    report = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = run_axe(page)
        if violations:
            report.append(format_violations(violations, where=f"[{scheme}] "))
    assert report == [], f"axe-core on {site_name}/index.html#q={query}:\n" + "\n".join(report)
    clean(opened, f"{site_name}/index.html#q={query}")


def test_themes_differ(open_page, example_site):
    """The dark theme is a dark theme (and the light one light)."""
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(example_site.url("index.html"), color_scheme=scheme).page
        colours[scheme] = page.evaluate("() => getComputedStyle(document.body).backgroundColor")

    def lightness(rgb: str) -> float:
        r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
        return (r + g + b) / 3

    assert lightness(colours["light"]) > 200 and lightness(colours["dark"]) < 60, colours


# ---------------------------------------------------------------- 2, 5: every page, 390 px wide

@pytest.mark.parametrize("site_name", ["example", "fixture", "split", "tracks"])
def test_every_page_narrow_clean(browser, sites, site_name):
    """Every HTML page at 390 px: no sideways scrolling, no console error,
    nothing requested from another host."""
    site = sites(site_name)
    opened = new_page(browser, width=390, height=844)
    page = opened.page
    problems = []
    try:
        for rel in site.html_files():
            del opened.console_errors[:]
            del opened.external_requests[:]
            page.goto(site.url(rel), wait_until="load")
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if widths[0] > widths[1]:
                wide = page.evaluate("""() => {
                  const w = document.documentElement.clientWidth;
                  return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > w + 0.5)
                    .slice(0, 3).map(e => e.outerHTML.slice(0, 120));
                }""")
                problems.append(f"{rel}: scrollWidth {widths[0]} > clientWidth {widths[1]}; too wide: {wide}")
            problems += [f"{rel}: {e}" for e in opened.console_errors]
            problems += [f"{rel}: request to another host: {u}" for u in opened.external_requests]
    finally:
        page.context.close()
    assert problems == [], "\n".join(problems)


# ---------------------------------------------------------------- 3: search and filters

@pytest.mark.parametrize("site_name,query", [("fixture", "ferry"), ("fixture", "nunez"), ("example", "airport")])
def test_search_one_page_hides_and_shows_articles(open_page, sites, site_name, query):
    site = sites(site_name)
    opened = open_page(site.url("index.html"))
    page = opened.page
    dialogs = record_dialogs(page)
    all_slugs = set(site.slugs)
    assert visible_articles(page) == all_slugs
    assert status_text(page) == ""
    expected = expected_matches(site, query)
    assert expected and expected != all_slugs, f"a poor query for this site: {query!r} finds {expected}"

    page.locator("input[type=search]").press_sequentially(query)   # as a person types
    assert visible_articles(page) == expected
    assert empty_visible_days(page) == []
    assert status_text(page) == f"{len(expected)} of {len(all_slugs)} entries match."
    assert hash_params(page) == {"q": query}

    page.fill("input[type=search]", "zzqxj no such word")
    assert visible_articles(page) == set()
    assert status_text(page) == "No entry matches."

    page.fill("input[type=search]", "")
    assert visible_articles(page) == all_slugs
    assert status_text(page) == ""
    assert hash_params(page) == {}
    assert dialogs == []
    clean(opened, f"{site_name}/index.html")


def test_search_folds_accents_and_case(open_page, fixture_site):
    page = open_page(fixture_site.url("index.html")).page
    page.fill("#q", "NÚÑEZ")
    assert visible_articles(page) == {"2021-04-02-cafe"}
    page.fill("#q", "cafe owners ferry")  # every word must match, anywhere
    both = expected_matches(fixture_site, "cafe owners ferry")
    assert "2021-04-02-cafe" in both and len(both) < len(expected_matches(fixture_site, "ferry"))
    assert visible_articles(page) == both


def test_group_filter_and_its_fragment(open_page, tracks_site):
    site = tracks_site
    page = open_page(site.url("index.html")).page
    works = {e["slug"] for e in site.data["entries"] if (e["group"] or "").casefold() == "works"}
    assert len(works) == 3
    page.select_option("#group-filter", "Works")
    assert visible_articles(page) == works
    assert hash_params(page) == {"group": "Works"}
    page.fill("#q", "wreck")
    assert visible_articles(page) == {"2021-08-wreck", "2021-09-20-museum"}
    # The view comes back from its address.
    again = open_page(site.url("index.html", "group=Council")).page
    assert visible_articles(again) == {"2021-03-10-plan"}
    assert again.eval_on_selector("#group-filter", "s => s.value") == "Council"


def test_tag_and_person_filters(open_page, fixture_site):
    site = fixture_site
    opened = open_page(site.url("index.html"))
    page = opened.page
    by_tag = {e["slug"] for e in site.data["entries"] if "bridge" in e["tags"]}
    by_person = {e["slug"] for e in site.data["entries"] if "Jon Berg" in e["people"]}
    assert len(by_tag) >= 2 and len(by_person) >= 2

    page.select_option("#tag-filter", "bridge")
    assert visible_articles(page) == by_tag == expected_matches(site, tag="bridge")
    assert hash_params(page) == {"tag": "bridge"}
    assert status_text(page).startswith(f"{len(by_tag)} of ")

    page.select_option("#person-filter", "Jon Berg")
    assert visible_articles(page) == by_tag & by_person
    assert hash_params(page) == {"tag": "bridge", "person": "Jon Berg"}

    page.select_option("#tag-filter", "")
    assert visible_articles(page) == by_person
    page.fill("#q", "radio")
    assert visible_articles(page) == expected_matches(site, "radio", person="Jon Berg")
    assert hash_params(page) == {"q": "radio", "person": "Jon Berg"}

    # Tags and people of any script and with odd characters.
    page.select_option("#person-filter", "")
    page.fill("#q", "")
    for tag in ("Алматы", "../etc", "café au lait"):
        page.select_option("#tag-filter", tag)
        assert visible_articles(page) == {"2021-04-02-cafe"}, tag
        assert hash_params(page) == {"tag": tag}
    clean(opened, "fixture/index.html")


def test_fragment_restores_filtered_view(open_page, fixture_site):
    site = fixture_site
    fragment = urllib.parse.urlencode({"q": "bridge", "person": "Jon Berg"})
    opened = open_page(site.url("index.html", fragment))
    page = opened.page
    assert page.input_value("#q") == "bridge"
    assert page.input_value("#person-filter") == "Jon Berg"
    assert page.input_value("#tag-filter") == ""
    expected = expected_matches(site, "bridge", person="Jon Berg")
    assert expected and visible_articles(page) == expected
    assert str(len(expected)) in status_text(page)

    # A shared link with a tag that does not exist shows everything for it.
    opened2 = open_page(site.url("index.html", "tag=no-such-tag&q=ferry"))
    assert opened2.page.input_value("#tag-filter") == ""
    assert visible_articles(opened2.page) == expected_matches(site, "ferry")

    # A plain fragment (a link to an entry) is left alone.
    opened3 = open_page(site.url("index.html", "2021-03-28-mayor"))
    assert visible_articles(opened3.page) == set(site.slugs)
    assert opened3.page.evaluate("() => location.hash") == "#2021-03-28-mayor"
    # A filter link followed on the same page (hashchange) applies too.
    opened3.page.evaluate("() => { location.hash = 'q=ferry'; }")
    opened3.page.wait_for_function("() => document.getElementById('q').value === 'ferry'")
    assert visible_articles(opened3.page) == expected_matches(site, "ferry")
    for o in (opened, opened2, opened3):
        clean(o, "fixture/index.html#...")


def test_search_state_round_trip(open_page, example_site):
    """The fragment written while filtering, opened anew, gives the same view."""
    site = example_site
    page = open_page(site.url("index.html")).page
    tag = site.data["entries"][0]["tags"][0] if site.data["entries"][0]["tags"] else ""
    page.fill("#q", "almaty")
    if tag:
        page.select_option("#tag-filter", tag)
    shown = visible_articles(page)
    assert shown == expected_matches(site, "almaty", tag=tag)
    url = page.url
    assert "#" in url and "q=almaty" in url
    again = open_page(url).page
    assert again.input_value("#q") == "almaty"
    assert visible_articles(again) == shown


def test_split_search_lists_matches_from_all_pages(open_page, split_site):
    site = split_site
    opened = open_page(site.url("index.html"))
    page = opened.page
    assert page.locator("article.entry").count() == 0  # the home page lists periods only
    periods = set(page.eval_on_selector_all("nav.periods a", "as => as.map(a => a.getAttribute('href'))"))
    assert {"archive/2021.html", "archive/2022.html", "archive/2022-02.html", "archive/2022-05.html"} <= periods
    results = page.locator("ol#search-results")
    assert results.is_hidden()

    page.fill("input[type=search]", "dredger")
    settle(page)
    expected = expected_matches(site, "dredger")
    assert len(expected) >= 3
    assert results.is_visible()
    links = page.eval_on_selector_all("ol#search-results a", "as => as.map(a => [a.href, a.textContent])")
    assert len(links) == len(expected)
    assert status_text(page) == f"{len(expected)} of {len(site.slugs)} entries match."
    pages_seen = set()
    for href, text in links:
        parts = urllib.parse.urlsplit(href)
        assert parts.scheme == "file"
        target = Path(urllib.parse.unquote(parts.path))
        slug = parts.fragment
        assert slug in expected
        assert target.is_file(), href
        rel = target.relative_to(site.root.resolve()).as_posix()
        assert re.fullmatch(r"archive/\d{4}(-\d{2})?\.html", rel), rel
        assert f'<article id="{slug}"' in target.read_text(encoding="utf-8"), f"{slug} is not on {rel}"
        title = next(r[1] for r in site.rows if r[0] == slug)
        assert text == title
        pages_seen.add(rel)
    assert len(pages_seen) >= 2, pages_seen  # matches from several pages

    # Following a result opens the archive page at the entry.
    first_href = links[0][0]
    page.click("ol#search-results a >> nth=0")
    page.wait_for_load_state("load")
    assert page.url == first_href
    assert page.locator(f"article[id='{urllib.parse.urlsplit(first_href).fragment}']").is_visible()

    # Filters narrow the list too; the fragment restores it.
    opened2 = open_page(site.url("index.html", "tag=works&person="))
    settle(opened2.page)
    assert opened2.page.input_value("#tag-filter") == "works"
    listed = opened2.page.eval_on_selector_all(
        "ol#search-results a", "as => as.map(a => new URL(a.href).hash.slice(1))")
    assert set(listed) == expected_matches(site, tag="works")

    page3 = open_page(site.url("index.html")).page
    page3.select_option("#person-filter", "Ada Lind")
    settle(page3)
    listed = page3.eval_on_selector_all("ol#search-results a", "as => as.map(a => new URL(a.href).hash.slice(1))")
    assert set(listed) == expected_matches(site, person="Ada Lind")
    assert hash_params(page3) == {"person": "Ada Lind"}

    page3.select_option("#person-filter", "")
    assert page3.locator("ol#search-results").is_hidden()
    assert page3.locator("ol#search-results li").count() == 0
    clean(opened, "split/index.html")
    clean(opened2, "split/index.html#tag=works")


@pytest.mark.parametrize("site_name", ["fixture", "split"])
def test_hostile_text_in_search_box(open_page, sites, site_name):
    site = sites(site_name)
    opened = open_page(site.url("index.html"))
    page = opened.page
    dialogs = record_dialogs(page)
    page.evaluate(WATCH_MUTATIONS)
    before = page.evaluate(COUNT_ACTIVE)
    for n, text in enumerate(HOSTILE_INPUTS):
        page.fill("#q", "")
        if n == 0:
            page.locator("#q").press_sequentially(text)  # key by key, as a person types
        else:
            page.fill("#q", text)
        assert page.input_value("#q") == text
        settle(page)
        # The fragment holds the text, encoded; reading it back gives the same text.
        assert hash_params(page).get("q") == text.strip()
    # Entries whose own text is hostile: shown as text, still nothing runs.
    page.fill("#q", "onerror")
    page.fill("#q", "script")
    page.fill("#q", "alert")
    added = page.evaluate("() => window.__added")
    assert set(added) <= {"li@results", "a@results", "script@index"}, added
    scripts = page.evaluate("() => window.__scripts")
    assert len(scripts) == len(set(scripts)), scripts   # each file of the index loaded once at most
    assert page.evaluate(COUNT_ACTIVE) == before + added.count("script@index")
    assert page.eval_on_selector_all("#search-results *", "els => els.filter(e => !['LI', 'A'].includes(e.tagName)).length") == 0
    # A shared link carrying hostile text is just as harmless.
    fragment = urllib.parse.urlencode({"q": HOSTILE_INPUTS[0]})
    opened2 = open_page(site.url("index.html", fragment))
    dialogs += record_dialogs(opened2.page)
    assert opened2.page.input_value("#q") == HOSTILE_INPUTS[0]
    page.wait_for_timeout(100)
    assert dialogs == []
    clean(opened, f"{site_name}/index.html")
    clean(opened2, f"{site_name}/index.html#q=...")


def test_split_results_show_hostile_title_as_text(open_page, split_site):
    page = open_page(split_site.url("index.html")).page
    dialogs = record_dialogs(page)
    page.fill("#q", "brass band")
    settle(page)
    links = page.locator("ol#search-results a")
    assert links.count() == 1
    assert links.first.text_content() == '<img src=x onerror=alert(1)> "Quay" & <b>band</b>'
    assert page.locator("ol#search-results img, ol#search-results b").count() == 0
    assert dialogs == []


def test_search_works_from_disk_without_modules_or_html(fixture_site):
    """What makes search work from file:// and keeps it safe: the data is a
    classic script, the code is a classic script that fetches nothing and
    builds results from DOM text, never from HTML."""
    home = (fixture_site.root / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", home)
    assert scripts and all("module" not in tag for tag in scripts), scripts
    assert all(re.search(r'src="static/search\.js"', tag) for tag in scripts), scripts
    # The index is a classic script too, which search.js adds when it is first used.
    assert 'data-index="search-index.js"' in home
    code = (fixture_site.root / "static" / "search.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "fetch(",
                      "XMLHttpRequest", "import(", "createContextualFragment", "DOMParser"):
        assert forbidden not in code, f"static/search.js uses {forbidden}"


# ---------------------------------------------------------------- 4: JavaScript off

@pytest.mark.parametrize("site_name", ["example", "fixture"])
def test_javascript_off_shows_every_entry(open_page, sites, site_name):
    site = sites(site_name)
    opened = open_page(site.url("index.html"), javascript=False)
    page = opened.page
    articles = page.locator("article.entry")
    assert articles.count() == len(site.data["entries"])
    assert visible_articles(page) == set(site.slugs)
    assert page.locator("#search").is_hidden()
    assert page.locator("input[type=search]").is_hidden()
    # The links to each entry's page are there and visible.
    for slug, url in [(e["slug"], e["url"]) for e in site.data["entries"]][:5]:
        assert page.locator(f"article[id='{slug}'] a[href='{url}']").first.is_visible()
    clean(opened, f"{site_name}/index.html (JavaScript off)")


def test_javascript_off_split_timeline(open_page, split_site):
    site = split_site
    opened = open_page(site.url("index.html"), javascript=False)
    page = opened.page
    assert page.locator("#search").is_hidden()
    hrefs = page.eval_on_selector_all("nav.periods a", "as => as.map(a => a.getAttribute('href'))")
    listed: list[str] = []
    for href in hrefs:
        page.goto(site.url(href))
        listed += sorted(visible_articles(page))
    assert sorted(listed) == sorted(site.slugs)  # every entry on exactly one visible page
    clean(opened, "split/index.html and archive/*.html (JavaScript off)")


# ---------------------------------------------------------------- 6: keyboard

def _tab_to(page, selector: str, limit: int = 400) -> int:
    """Press Tab until `selector` has focus; how many presses it took."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"{selector} not reached by Tab in {limit} presses")


@pytest.mark.parametrize("site_name", ["example", "fixture", "split"])
def test_keyboard_skip_link_search_and_focus(open_page, sites, site_name):
    site = sites(site_name)
    opened = open_page(site.url("index.html"))
    page = opened.page
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.tagName, document.activeElement.getAttribute('href'), "
                          "document.activeElement.textContent]")
    assert first[0] == "A" and first[1] == "#main", f"first Tab stop is {first}, not the skip link"
    # The skip link shows when focused, with a visible outline.
    skip = page.locator("a[href='#main']").first
    assert skip.is_visible()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0, box
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"

    # Next Tab goes into main: a link there, with a visible focus outline.
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
      const e = document.activeElement, s = getComputedStyle(e);
      return {inMain: !!e.closest('main'), tag: e.tagName, outline: s.outlineStyle, width: s.outlineWidth};
    }""")
    assert focused["inMain"], focused
    assert focused["outline"] != "none" and focused["width"] != "0px", focused

    # The search box and the filters are reachable by Tab, in that order.
    page.goto(site.url("index.html"))
    n_q = _tab_to(page, "input[type=search]")
    n_tag = _tab_to(page, "#tag-filter", limit=5)
    n_person = _tab_to(page, "#person-filter", limit=5)
    assert n_q and n_tag and n_person
    # They work from the keyboard: type into the box, change the tag with arrows.
    page.focus("#q")
    page.keyboard.type("zzqxj")
    assert "No entry matches" in status_text(page)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    assert status_text(page) == ""
    page.focus("#tag-filter")
    page.keyboard.press("ArrowDown")
    chosen = page.input_value("#tag-filter")
    assert chosen != ""
    assert hash_params(page) == {"tag": chosen}
    assert status_text(page) != ""
    # The focused form controls show it.
    for selector in ("#q", "#tag-filter", "#person-filter"):
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert style != "none", selector
    clean(opened, f"{site_name}/index.html")


def test_search_is_labelled_and_announced(open_page, fixture_site):
    page = open_page(fixture_site.url("index.html")).page
    assert page.get_by_label("Search entries").evaluate("e => e.type") == "search"
    assert page.get_by_label("Tag").evaluate("e => e.tagName") == "SELECT"
    assert page.get_by_label("Person").evaluate("e => e.tagName") == "SELECT"
    status = page.locator("[role=status]")
    assert status.count() == 1
    assert page.evaluate("() => document.getElementById('q').getAttribute('aria-describedby')") == \
        status.get_attribute("id")


# ---------------------------------------------------------------- 7: the Nu HTML checker

def test_nu_checker_every_page(example_site, fixture_site, split_site, tracks_site, tmp_path_factory):
    """The Nu HTML checker finds no error in any HTML page (nor in the CSS)
    of the four sites: one run, one JVM, for all of them."""
    roots = [example_site.root, fixture_site.root, split_site.root, tracks_site.root]
    errors = vnu_check(roots, root=tmp_path_factory.getbasetemp())
    assert errors == [], "Nu HTML checker:\n" + "\n".join(errors)


# ---------------------------------------------------------------- 8: print

@pytest.mark.parametrize("site_name", ["example", "fixture"])
def test_print_stylesheet(open_page, sites, site_name):
    site = sites(site_name)
    opened = open_page(site.url("index.html"))
    page = opened.page
    assert page.locator("#search").is_visible()
    assert page.locator(".overview").is_visible()
    page.emulate_media(media="print")
    assert page.evaluate("() => matchMedia('print').matches")
    display = page.evaluate("s => getComputedStyle(document.querySelector(s)).display", "#search")
    assert display == "none"
    assert page.locator("#search").is_hidden()
    assert page.locator("input[type=search]").is_hidden()
    assert page.locator(".overview").is_hidden()
    assert page.locator(".skip").first.is_hidden()
    # The timeline prints with its source references.
    cited = page.locator("article.entry .cited")
    assert cited.count() == len(site.data["entries"])
    assert cited.first.is_visible() and cited.last.is_visible()
    assert visible_articles(page) == set(site.slugs)
    # A filtered view prints the entries shown.
    page.emulate_media(media="screen")
    page.fill("#q", "bridge" if site_name == "fixture" else "almaty")
    page.emulate_media(media="print")
    assert visible_articles(page) == expected_matches(site, "bridge" if site_name == "fixture" else "almaty")
    entry = open_page(site.url(urllib.parse.unquote(pick_entry(site)))).page
    entry.emulate_media(media="print")
    assert entry.locator(".source-list").is_visible()
    assert entry.locator(".source-list a").first.is_visible()
    clean(opened, f"{site_name}/index.html (print)")


# ---------------------------------------------------------------- phones: figures, pictures, the strip

def _png(width: int, height: int) -> bytes:
    """A plain grey PNG of the given size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PHONE_ENTRY = """---
title: Crossings counted by the harbour authority and the council traffic office
date: 2021-03-30
sources: [gazette]
figures:
  - what: daily crossings
    value: 1200000
    qualifier: more than
    unit: vehicles carrying passengers and goods
    label: vehicles of every kind including commercial lorries and delivery vans
    according_to: the harbour authority's annual traffic report for the northern district
    source: gazette
---
The count, as a chart from the report:

![A wide chart of the daily crossings](static/wide-chart.png)
"""


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory) -> Site:
    import shutil
    folder = tmp_path_factory.mktemp("phone")
    shutil.copytree(FIXTURE, folder / "p")
    (folder / "p" / "content" / "2021-03-30-count.md").write_text(PHONE_ENTRY, encoding="utf-8")
    (folder / "p" / "static").mkdir()
    (folder / "p" / "static" / "wide-chart.png").write_bytes(_png(2000, 400))
    proc = build_site(folder / "p" / "content", folder / "p" / "seeds", folder / "site", "--static", folder / "p" / "static")
    assert proc.returncode == 0, proc.stderr
    return _load("phone", folder / "site")


def test_phone_figures_tables_stack_without_sideways_scrolling(browser, phone_site):
    opened = new_page(browser, width=390, height=844)
    page = opened.page
    try:
        page.goto(phone_site.url("figures.html"), wait_until="load")
        found = page.evaluate("""() => {
          const w = document.documentElement.clientWidth;
          return [...document.querySelectorAll('.figures-table')].map(t => ({
            scroll: t.scrollWidth, client: t.clientWidth,
            outside: [...t.querySelectorAll('tbody th, tbody td')]
              .filter(c => c.getBoundingClientRect().right > w + 0.5 || c.getBoundingClientRect().left < -0.5).length,
            labels: [...t.querySelectorAll('tbody [data-label]')]
              .filter(c => c.textContent.trim())
              .map(c => [c.dataset.label, getComputedStyle(c, '::before').content]),
            cells: [...t.querySelectorAll('tbody td')].filter(c => c.textContent.trim())
              .map(c => getComputedStyle(c).display),
          }));
        }""")
        assert len(found) == 2
        for table in found:
            assert table["scroll"] <= table["client"], f"a figures table scrolls sideways: {table}"
            assert table["outside"] == 0, table
            assert set(table["cells"]) == {"block"}, "cells are stacked"
            for label, before in table["labels"]:
                assert label in before, (label, before)   # each stacked cell says which column it is
        long_label = page.get_by_text("vehicles of every kind including commercial lorries and delivery vans")
        assert long_label.is_visible()
        assert opened.console_errors == []
    finally:
        page.context.close()


def test_phone_pictures_in_a_body_scale_to_the_screen(browser, phone_site):
    opened = new_page(browser, width=390, height=844)
    page = opened.page
    try:
        page.goto(phone_site.url("entries/2021-03-30-count.html"), wait_until="load")
        size = page.evaluate("""() => { const i = document.querySelector('main img');
          return [i.naturalWidth, i.getBoundingClientRect().width, i.getBoundingClientRect().height,
                  document.documentElement.clientWidth, document.documentElement.scrollWidth]; }""")
        natural, width, height, client, scroll = size
        assert natural == 2000 and 0 < width <= client and scroll <= client, size
        assert height == pytest.approx(width / 5, abs=1), "the picture keeps its proportions"
    finally:
        page.context.close()


def test_overview_caption_names_the_unit_it_counts(open_page, fixture_site, split_site):
    for site, unit in ((fixture_site, "month"), (split_site, "month")):
        page = open_page(site.url("index.html"), width=390, height=844).page
        caption = page.locator(".overview figcaption")
        assert caption.is_visible()
        assert f"Entries per {unit}" in caption.inner_text()
