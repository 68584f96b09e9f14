"""The built site against CONTRACT.md: build tests/fixtures/basic with build.py
and check every output file, timeline.json, the marks, the source pages, the
escaping, drafts, the command's options and exit status, determinism, and the
layout rules of content/.

The fixture (tests/fixtures/basic) is a timeline in Europe/Berlin with every
date form, sub-folders, a draft with an error, both archive modes, furniture,
corrections, links between entries, hostile text, non-ASCII tags and names.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from helpers import (
    BASIC, build, built_basic, built_basic_stderr, copy_fixture, entry_paths,
    html_pages, load_json, paragraph_node, paragraphs, parse_html, problems, read_page, rel,
    run_build, site_path, smallest_containing, snapshot, tree,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE_URL = "https://example.org/bridge/"

# slug -> (date, end, precision, approximate) as the contract says timeline.json writes them
EXPECTED_DATES = {
    "2020-background": ("2020", None, "year", True),
    "2021-month": ("2021-03", None, "month", False),
    "2021-03-26-vote": ("2021-03-26", None, "day", False),
    # written without offset: winter time before the change, summer time after it
    "2021-03-27-night": ("2021-03-27T23:30+01:00", "2021-03-28T03:30+02:00", "minute", False),
    # written with an explicit offset, kept; seconds written, so second precision
    "2021-03-28-closure-span": ("2021-03-28T02:30:00+01:00", "2021-06", "second", False),
    # "28 March 2021 18:30": English form with a time, summer time
    "2021-03-28-mayor": ("2021-03-28T18:30+02:00", None, "minute", True),
    # "April 2, 2021 10:00"; end "2021-04-02T12:00:30Z" (checked separately: Z or +00:00)
    "2021-04-02-cafe": ("2021-04-02T10:00+02:00", "Z", "minute", False),
    # "5 April 2021"
    "2021-04-05-färja": ("2021-04-05", None, "day", False),
    # 02:30 happens twice on 31 October 2021 in Berlin: the first occurrence is summer time
    "2021-10-31-overlap": ("2021-10-31T02:30+02:00", None, "minute", False),
}
DRAFT = "2021-draft"
PRECISIONS = {"year", "month", "day", "minute", "second"}
ISO_AT = {
    "year": r"\d{4}",
    "month": r"\d{4}-\d{2}",
    "day": r"\d{4}-\d{2}-\d{2}",
    "minute": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})",
    "second": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})",
}
ANY_ISO = re.compile("|".join(f"(?:{p})" for p in ISO_AT.values()))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return built_basic(tmp_path_factory)


@pytest.fixture(scope="session")
def data(site) -> dict:
    return load_json(site)


@pytest.fixture(scope="session")
def pages(site):
    return html_pages(site)


def earliest(iso: str, precision: str, zone: str) -> datetime:
    """The earliest moment an ISO date at its precision can mean in `zone`."""
    z = ZoneInfo(zone)
    if precision in ("minute", "second"):
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc)
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=z).astimezone(timezone.utc)


def cites(entry: dict) -> set[str]:
    return {c["id"] for c in entry["sources"]} | {q["source"] for q in entry["quotes"]} | {f["source"] for f in entry["figures"]}


# ------------------------------------------------------------------ files


def test_every_output_file_exists(site, data):
    files = set(snapshot(site))
    slugs = list(EXPECTED_DATES)
    expected = {"index.html", "sources/index.html", "figures.html", "timeline.json",
                "feed.xml", "sitemap.xml", "404.html", ".nojekyll"}
    expected |= {f"entries/{s}.html" for s in slugs}
    expected |= {f"sources/{sid}.html" for sid in ("gazette", "radio", "notice")}
    missing = sorted(expected - files)
    assert not missing, f"missing output files: {missing}"
    tag_pages = {f for f in files if f.startswith("tags/")}
    people_pages = {f for f in files if f.startswith("people/")}
    # one page per distinct tag / person (the fixture's labels make distinct names)
    tags = {t for e in data["entries"] for t in e["tags"]}
    people = {p for e in data["entries"] for p in e["people"]}
    assert len(tag_pages) == len(tags), (sorted(tag_pages), sorted(tags))
    assert len(people_pages) == len(people), (sorted(people_pages), sorted(people))


def test_drafts_and_non_entries_are_not_built(site, data):
    files = set(snapshot(site))
    assert f"entries/{DRAFT}.html" not in files
    assert [e["slug"] for e in data["entries"]].count(DRAFT) == 0
    assert {e["slug"] for e in data["entries"]} == set(EXPECTED_DATES)
    # _ignored.md, _notes/, .scratch.md and .obsidian/ are not entries (and not valid
    # ones): nothing made of them, no problem reported about them
    assert not any(word in f for f in files for word in ("ignored", "notes", "scratch", "obsidian", "workspace")), sorted(files)
    stderr = built_basic_stderr()
    for word in ("_ignored", "_notes", ".scratch", ".obsidian"):
        assert word not in stderr, stderr


def test_nojekyll_and_self_contained_404(site):
    assert (site / ".nojekyll").is_file()
    page = read_page(site, "404.html")
    # GitHub Pages serves 404.html at any path: it may not rely on relative files
    for node, attr, value in page.links():
        if node.tag in ("link", "script", "img") or (node.tag == "a" and not value.startswith("#")):
            assert re.match(r"^(https?:|mailto:)", value), f"404.html: {node.tag} {attr}={value!r} depends on the page's location"
    assert page.root.find_all("style"), "404.html should carry its CSS inline"


# ------------------------------------------------------------------ index.html


def test_index_lists_every_entry_in_timeline_order(site, data, pages):
    index = pages["index.html"]
    slugs = [e["slug"] for e in data["entries"]]
    articles = [a for a in index.root.find_all("article") if a.attrs.get("id") in slugs]
    assert [a.attrs["id"] for a in articles] == slugs, "index.html: articles not in timeline.json order"
    for entry, article in zip(data["entries"], articles):
        times = article.find_all("time")
        assert times and times[0].attrs.get("datetime") == entry["date"], (entry["slug"], [t.attrs for t in times])
        targets = {site_path("index.html", a.attrs["href"])[0] for a in article.find_all("a") if a.attrs.get("href")}
        assert f"entries/{entry['slug']}.html" in targets, f"article {entry['slug']} has no link to its page: {targets}"


def test_index_shows_the_introduction(pages):
    text = pages["index.html"].main_text()
    assert "A small timeline used by the tests." in text


# ------------------------------------------------------------------ timeline.json


def test_timeline_json_fields(data):
    assert data["title"] == "The bridge affair"
    assert data["timezone"] == "Europe/Berlin"
    entry_keys = {"slug", "title", "date", "end", "precision", "approximate", "place", "tags",
                  "people", "url", "sources", "quotes", "figures"}
    for entry in data["entries"]:
        assert entry_keys <= set(entry), (entry["slug"], entry_keys - set(entry))
        assert entry["url"] == "entries/" + re.sub(r"[^A-Za-z0-9._~-]", lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), entry["slug"]) + ".html"
        for c in entry["sources"]:
            assert {"id", "passage", "url"} <= set(c)
        for q in entry["quotes"]:
            assert {"text", "by", "source", "url"} <= set(q)
        for f in entry["figures"]:
            assert {"what", "value", "qualifier", "source", "url"} <= set(f)
            assert isinstance(f["value"], (int, float)) and not isinstance(f["value"], bool)
    source_keys = {"id", "publisher", "title", "published", "url", "archive", "page", "sha256"}
    for source in data["sources"]:
        assert source_keys <= set(source), (source["id"], source_keys - set(source))
        assert source["page"] == f"sources/{source['id']}.html"
    radio = next(s for s in data["sources"] if s["id"] == "radio")
    gazette = next(s for s in data["sources"] if s["id"] == "gazette")
    assert (radio["archive"], gazette["archive"]) == ("excerpts", "full")
    assert radio["url"] is None and gazette["url"] == "https://example.org/gazette/bridge"
    assert radio["published"] == "2021-03-28"   # written "28 March 2021"


def test_timeline_json_order_is_earliest_moment_then_path(data):
    paths = entry_paths(BASIC / "content")
    zone = data["timezone"]
    keys = [(earliest(e["date"], e["precision"], zone), paths[e["slug"]]) for e in data["entries"]]
    assert keys == sorted(keys), [e["slug"] for e in data["entries"]]


@pytest.mark.parametrize("slug", sorted(EXPECTED_DATES))
def test_timeline_json_dates_precision_and_offsets(data, slug):
    entry = next(e for e in data["entries"] if e["slug"] == slug)
    date, end, precision, approximate = EXPECTED_DATES[slug]
    assert entry["date"] == date
    assert entry["precision"] == precision
    assert entry["approximate"] is approximate
    if end == "Z":
        assert entry["end"] in ("2021-04-02T12:00:30+00:00", "2021-04-02T12:00:30Z")
    else:
        assert entry["end"] == end


def test_timeline_json_dates_are_iso_at_their_precision(data):
    for entry in data["entries"]:
        assert entry["precision"] in PRECISIONS
        assert re.fullmatch(ISO_AT[entry["precision"]], entry["date"]), entry
        if entry["end"] is not None:
            assert ANY_ISO.fullmatch(entry["end"]), entry
    for source in data["sources"]:
        assert ANY_ISO.fullmatch(source["published"]), source


def test_every_url_in_timeline_json_is_relative_encoded_and_exists(site, data):
    urls = []
    for e in data["entries"]:
        urls.append(e["url"])
        urls += [c["url"] for c in e["sources"]] + [q["url"] for q in e["quotes"]] + [f["url"] for f in e["figures"]]
    urls += [s["page"] for s in data["sources"]]
    for url in urls:
        assert url.isascii() and " " not in url, f"not percent-encoded: {url!r}"
        assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/", url), f"not relative: {url!r}"
        target, _ = site_path("index.html", url)
        assert (site / target).is_file(), f"{url!r} names no file of the site"
    faerja = next(e for e in data["entries"] if e["slug"] == "2021-04-05-färja")
    assert faerja["url"] == "entries/2021-04-05-f%C3%A4rja.html"


def test_plain_citations_link_to_the_source_page(data):
    seen = 0
    for e in data["entries"]:
        for c in e["sources"]:
            if c["passage"] is None:
                assert c["url"] == f"sources/{c['id']}.html"
                seen += 1
            else:
                assert c["url"].startswith(f"sources/{c['id']}.html#")
    assert seen >= 3


# ------------------------------------------------------------------ marks


def _mark_urls(data):
    for e in data["entries"]:
        for c in e["sources"]:
            if c["passage"]:
                yield e["slug"], c["id"], c["passage"], c["url"]
        for q in e["quotes"]:
            yield e["slug"], q["source"], q["text"], q["url"]
        for f in e["figures"]:
            if f.get("passage"):
                yield e["slug"], f["source"], f["passage"], f["url"]


def test_every_cited_passage_and_quote_links_to_its_mark(site, data, pages):
    count = 0
    for slug, sid, text, url in _mark_urls(data):
        count += 1
        page, _, mark = url.partition("#")
        assert page == f"sources/{sid}.html" and mark, f"{slug}: {url!r} is not sources/{sid}.html#ID"
        source_page = pages[page]
        node = source_page.by_id(mark)
        assert node is not None, f"{slug}: no id {mark!r} in {page}"
        assert node.tag == "mark" or any(a.tag == "mark" for a in node.ancestors()) or node.find_all("mark"), \
            f"{slug}: id {mark!r} in {page} is not on or in a <mark>"
        # the mark holds (the start of) the cited words
        marks = [node] if node.tag == "mark" else [a for a in node.ancestors() if a.tag == "mark"] or node.find_all("mark")
        first_piece = re.split(r"\.\.\.|…|\[\.\.\.\]", text)[0].strip()
        assert marks[0].words().split()[0] == first_piece.split()[0], (mark, marks[0].words(), text)
        # the mark links back to the citing entry (in its paragraph)
        paragraph = next((a for a in marks[0].ancestors() if a.attrs.get("id")), None)
        assert paragraph is not None, f"{mark}: the marked paragraph has no id"
        back = {site_path(page, a.attrs["href"])[0] for a in paragraph.find_all("a") if a.attrs.get("href")}
        assert f"entries/{slug}.html" in back, f"{page}#{mark}: no link back to entries/{slug}.html"
    assert count >= 9


def test_same_citation_same_mark(data):
    """The mayor cites one passage twice (as a passage and for a figure): one mark."""
    mayor = next(e for e in data["entries"] if e["slug"] == "2021-03-28-mayor")
    passage_url = next(c["url"] for c in mayor["sources"] if c["passage"])
    assert mayor["figures"][0]["url"] == passage_url


def test_adding_a_citation_moves_no_mark(tmp_path, data):
    project = copy_fixture(tmp_path / "project")
    # cites text before (radio) or among (gazette) the other citations of both sources
    (project / "content" / "2019-earlier.md").write_text(
        "---\ntitle: Earlier\ndate: 2019-06-01\nsources:\n"
        "  - id: radio\n    passage: Mayor Jon Berg called the closure\n"
        "  - id: gazette\n    passage: 'citing \"serious safety concerns\"'\n"
        "quotes:\n  - text: He added\n    by: Radio Nord\n    source: radio\n---\n",
        encoding="utf-8",
    )
    result = build(project, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    after = load_json(tmp_path / "out")
    before_urls = {(slug, sid, text): url for slug, sid, text, url in _mark_urls(data)}
    after_urls = {(slug, sid, text): url for slug, sid, text, url in _mark_urls(after)}
    for key, url in before_urls.items():
        assert after_urls[key] == url, f"{key}: mark moved from {url} to {after_urls[key]}"
    new = [url for (slug, *_), url in after_urls.items() if slug == "2019-earlier"]
    assert len(new) == 3 and len(set(new) | set(before_urls.values())) == len(set(before_urls.values())) + 3


# ------------------------------------------------------------------ source pages


def _seed_files() -> dict[str, Path]:
    meta = yaml.safe_load((BASIC / "seeds" / "sources.yaml").read_text(encoding="utf-8"))
    return {sid: BASIC / "seeds" / fields["file"] for sid, fields in meta.items()}


def test_source_pages_show_the_sha256_of_the_seed(data, pages):
    seeds = _seed_files()
    assert {s["id"] for s in data["sources"]} == set(seeds)
    for source in data["sources"]:
        digest = hashlib.sha256(seeds[source["id"]].read_bytes()).hexdigest()
        assert source["sha256"] == digest
        assert digest in pages[source["page"]].text(), f"{source['page']} does not show {digest}"


def _paragraph_node(page, para: str):
    return paragraph_node(page.root, para)


def test_full_archive_shows_every_paragraph_with_an_id(pages):
    page = pages["sources/gazette.html"]
    paras = paragraphs((BASIC / "seeds" / "gazette.txt").read_text(encoding="utf-8"))
    assert len(paras) == 4
    nodes = []
    for para in paras:
        node = _paragraph_node(page, para)
        assert node is not None and node.tag not in ("main", "body", "html"), f"paragraph not shown with its own id: {para[:50]!r}"
        nodes.append(node)
    assert len({id(n) for n in nodes}) == len(paras), "two paragraphs share one element"


def test_full_archive_mutes_every_furniture_line(pages):
    """furniture: [1-2, 11] of gazette.txt: each of those lines is shown muted,
    the other lines are not (lines 1-2 share a paragraph with cited lines)."""
    page = pages["sources/gazette.html"]
    lines = (BASIC / "seeds" / "gazette.txt").read_text(encoding="utf-8").splitlines()

    def muted(node) -> bool:
        return any(any(c in ("furniture", "muted") for c in n.classes) for n in [node, *node.ancestors()])

    def holder(text):
        """The innermost element holding the text of this line."""
        best = None
        for node in page.root.iter():
            if text in node.words() and (best is None or len(node.words()) <= len(best.words())):
                best = node
        return best

    for number in (1, 2, 11):
        node = holder(lines[number - 1])
        assert node is not None, lines[number - 1]
        assert muted(node), f"furniture line {number} ({lines[number - 1]!r}) is not shown muted"
    for number in (6, 8):
        node = holder(lines[number - 1].split("“")[0].strip())
        assert not muted(node), f"line {number} is not furniture but is shown muted"


def test_excerpts_show_only_cited_paragraphs_and_mark_the_gaps(pages):
    page = pages["sources/radio.html"]
    paras = paragraphs((BASIC / "seeds" / "texts" / "radio.txt").read_text(encoding="utf-8"))
    assert len(paras) == 5   # no blank line: one paragraph per line
    shown, hidden = [paras[0], paras[1], paras[2], paras[4]], [paras[3]]
    text = page.text()
    for para in hidden:
        assert para not in text, f"uncited paragraph republished in excerpts mode: {para!r}"
    nodes = [_paragraph_node(page, p) for p in shown]
    for para, node in zip(shown, nodes):
        assert node is not None and node.tag not in ("main", "body", "html"), f"cited paragraph not shown: {para!r}"
    # in document order: paragraphs 1-3, a gap marker, paragraph 5, (no gap after the last one)
    order = list(page.root.iter())
    positions = [order.index(n) for n in nodes]
    assert positions == sorted(positions), "paragraphs out of the text's order"
    between = order[positions[2] + 1:positions[3]]
    between = [n for n in between if not any(a is nodes[2] for a in n.ancestors()) and n is not nodes[2]]
    gap = [n for n in between if re.search(r"…|\.\.\.|\[\s*…?\s*\]|left out|omitted", n.words())]
    assert gap, "no gap marker between paragraph 3 and paragraph 5"
    for a, b in ((0, 1), (1, 2)):
        between = [n for n in order[positions[a] + 1:positions[b]] if not any(x is nodes[a] for x in n.ancestors())]
        assert not [n for n in between if re.search(r"left out|omitted", n.words())], f"gap marked between adjacent paragraphs {a + 1} and {b + 1}"
    # the source's own hostile text is shown as text
    assert '<script>alert("x")</script> was found in the comment section.' in text


def test_an_uncited_excerpts_source_shows_none_of_its_text(data, pages):
    page = pages["sources/notice.html"]
    text = page.text()
    for para in paragraphs((BASIC / "seeds" / "texts" / "notice.txt").read_text(encoding="utf-8")):
        assert para not in text, para
    # its metadata, read as written and escaped
    assert [h.words() for h in page.root.find_all("h1")] == ["Public notice <b>no. 4</b> & its annex"]
    assert "https://example.org/notice?id=4&lang=en" in page.a_hrefs()
    notice = next(s for s in data["sources"] if s["id"] == "notice")
    assert notice["published"] == "2021-01" and notice["title"] == "Public notice <b>no. 4</b> & its annex"


def test_sources_index_lists_every_source(data, pages):
    page = pages["sources/index.html"]
    for source in data["sources"]:
        count = sum(1 for e in data["entries"] if source["id"] in cites(e))
        row = smallest_containing(page.root, source["publisher"], source["title"])
        assert row is not None, source["id"]
        words = row.words()
        assert re.search(rf"\b{count}\b", words), f"{source['id']}: cited by {count} entries, row says {words!r}"
        hrefs = [a.attrs.get("href") for a in row.find_all("a")]
        assert any(site_path("sources/index.html", h)[0] == source["page"] for h in hrefs if h), hrefs
        if source["url"]:
            assert source["url"] in hrefs
        assert row.find_all("time") or "2021" in words


# ------------------------------------------------------------------ entry pages


def test_entry_page_shows_everything(pages):
    page = pages["entries/2021-03-26-vote.html"]
    text = page.main_text()
    h1 = page.root.find_all("h1")
    assert [h.words() for h in h1] == ["Council votes to close the old bridge"]
    for expected in ("26 March 2021", "Town hall", "The council voted 7 to 2 to close the bridge.",
                     "We cannot take the risk", "Mira Holm", "The Harbour Gazette",
                     "An earlier version gave the wrong vote count."):
        assert expected in text, expected
    # Markdown tables and footnotes
    assert page.root.find_all("table")
    assert "The vote was on a Friday." in text


def test_entry_pages_link_every_citation(data, pages):
    """Each entry page links each of its sources, quotes and figures to the
    url timeline.json gives (the mark, or the source page), and shows every
    quote with its speaker."""
    for entry in data["entries"]:
        page = pages[f"entries/{entry['slug']}.html"]
        links = {site_path(page.path, h) for h in page.a_hrefs()}
        text = page.main_text()
        for item in entry["sources"] + entry["quotes"] + entry["figures"]:
            assert site_path("index.html", item["url"]) in links, f"{entry['slug']}: no link to {item['url']}"
        for quote in entry["quotes"]:
            assert " ".join(quote["text"].split()) in text and quote["by"] in text, (entry["slug"], quote)


def test_values_are_read_as_written(data, pages):
    mayor = next(e for e in data["entries"] if e["slug"] == "2021-03-28-mayor")
    assert mayor["title"] == "No" and mayor["place"] == "NO"
    page = pages["entries/2021-03-28-mayor.html"]
    assert [h.words() for h in page.root.find_all("h1")] == ["No"]
    assert any(n.words() == "NO" for n in page.root.iter()), "place NO not shown as text"
    background = next(e for e in data["entries"] if e["slug"] == "2020-background")
    assert background["approximate"] is True     # written "yes"


def test_precision_is_kept_in_display(pages):
    month = pages["entries/2021-month.html"].main_text()
    assert "March 2021" in month
    assert not re.search(r"\b1 March 2021|March 1, 2021", month), month
    year = pages["entries/2020-background.html"].main_text()
    assert "2020" in year and not re.search(r"January 2020|1 Jan", year), year


def test_time_elements_carry_iso_datetimes(pages):
    for path, page in pages.items():
        for node in page.root.find_all("time"):
            value = node.attrs.get("datetime")
            assert value and ANY_ISO.fullmatch(value), f"{path}: <time datetime={value!r}>"


# ------------------------------------------------------------------ escaping and links in bodies


def test_raw_html_in_content_is_shown_as_text(pages):
    mayor = pages["entries/2021-03-28-mayor.html"].main_text()
    assert '<script>alert("hostile")</script> The mayor <b>reacted</b> within two days.' in mayor
    night = pages["entries/2021-03-27-night.html"]
    assert [h.words() for h in night.root.find_all("h1")] == ['<script>alert("title")</script> Night works begin']
    cafe = pages["entries/2021-04-02-cafe.html"].main_text()
    assert "<img src=x onerror=alert(1)>" in cafe


def test_no_script_or_event_handler_from_content_anywhere(pages):
    for path, page in pages.items():
        for node in page.root.iter():
            if node.tag == "script" and node.attrs.get("type") == "application/ld+json":
                # Data, which holds the content's words: valid JSON that no "<" can end or change.
                assert "<" not in node.text() and json.loads(node.text()), f"{path}: JSON-LD {node.text()[:80]}"
            elif node.tag == "script":
                assert "alert" not in node.text(), f"{path}: content became a <script>"
                src = node.attrs.get("src")
                assert src is None or not re.match(r"^[a-z]+:|^//", src.strip(), re.I), f"{path}: script from {src}"
            handlers = [a for a in node.attrs if a.lower().startswith("on")]
            assert not handlers, f"{path}: <{node.tag}> has event handler {handlers}"
            assert not (node.tag == "img" and node.attrs.get("src") == "x"), f"{path}: raw <img> passed through"


def test_no_javascript_link_anywhere(site, pages):
    bad = re.compile(r"^\s*(javascript|vbscript|data|file):", re.I)
    for path, page in pages.items():
        for node, attr, value in page.links():
            assert not bad.match(re.sub(r"[\x00-\x20]", "", value)), f"{path}: {node.tag} {attr}={value!r}"
    # the same for the HTML carried in the feed
    feed = ET.parse(site / "feed.xml").getroot()
    for element in feed.iter():
        if element.tag in (ATOM + "summary", ATOM + "content") and element.text:
            for node, attr, value in parse_html(element.text).links():
                assert not bad.match(value.strip()), f"feed.xml: {attr}={value!r}"


def test_unsafe_and_remote_links_in_bodies(pages):
    page = pages["entries/2021-04-02-cafe.html"]
    hrefs = page.a_hrefs()
    assert not [h for h in hrefs if h.lower().startswith("ftp:")], hrefs
    assert "old" in page.main_text()          # the link text of the dropped ftp: link stays
    # a remote image becomes a link to it; nothing is loaded from another host
    assert "https://example.org/ferry.jpg" in hrefs
    assert not [n for n in page.root.find_all("img") if "example.org" in (n.attrs.get("src") or "")]
    # a relative non-entry link is relative to the site root
    assert ("static/style.css", "") in [site_path(page.path, h) for h in hrefs]


def test_mailto_links_survive(pages):
    assert "mailto:someone@example.org" in pages["entries/2021-03-28-mayor.html"].a_hrefs()


@pytest.mark.parametrize("page,targets", [
    ("entries/2021-03-26-vote.html", [("entries/2021-03-28-mayor.html", "fn-2021-03-28-mayor-1")]),
    ("entries/2021-04-02-cafe.html", [("entries/2021-03-26-vote.html", "")]),
    ("entries/2021-04-05-färja.html", [("entries/2021-04-02-cafe.html", ""), ("entries/2021-10-31-overlap.html", ""),
                                      ("entries/2021-03-26-vote.html", "")]),
    ("index.html", [("entries/2021-03-26-vote.html", "")]),   # from the introduction in _index.md
])
def test_links_between_entries(pages, page, targets):
    body = pages[page]
    found = [site_path(page, h) for h in body.a_hrefs()]
    for target in targets:
        assert target in found, f"{page}: no link to {target}"
    for href in body.a_hrefs():
        assert not href.split("#")[0].endswith(".md"), f"{page}: link to a Markdown file {href!r}"


# ------------------------------------------------------------------ figures


def test_figures_side_by_side_with_disagreement(pages):
    page = pages["figures.html"]
    group = smallest_containing(page.root, "4,000", "3,500")
    assert group is not None, "the two values of 'daily crossings' are not shown together"
    words = group.words()
    assert "The Harbour Gazette" in words and "Radio Nord" in words
    # the group (up to, not including, <main>) says that the values disagree
    around = [group, *[a for a in group.ancestors() if a.tag not in ("main", "body", "html", "#document")]]
    assert any(re.search(r"disagree|differ", n.words(), re.I) for n in around), f"disagreement not shown: {words!r}"


# ------------------------------------------------------------------ tags and people


def _page_names(site: Path, folder: str) -> list[str]:
    return sorted(p.name for p in (site / folder).iterdir())


def test_tag_and_person_page_names(site, data, pages):
    cafe = next(e for e in data["entries"] if e["slug"] == "2021-04-02-cafe")
    page = pages["entries/2021-04-02-cafe.html"]
    linked = {}
    for node in page.root.find_all("a"):
        target, _ = site_path(page.path, node.attrs.get("href") or "")
        if target.startswith(("tags/", "people/")):
            linked[node.words()] = target
    for label in cafe["tags"] + cafe["people"]:
        assert label in linked, f"no link for {label!r} on the entry page: {linked}"
        target = linked[label]
        folder, _, name = target.partition("/")
        assert (site / target).is_file(), target
        assert "/" not in name and "\\" not in name and not name.startswith("."), target
    def name_of(label):
        return unicodedata.normalize("NFC", linked[label].split("/", 1)[1][:-5]).casefold()
    assert "алматы" in name_of("Алматы")
    assert "café" in name_of("café au lait") and "lait" in name_of("café au lait")
    assert "josé" in name_of("José Ñúñez") and "ñúñez" in name_of("José Ñúñez")
    for folder in ("tags", "people"):
        for name in _page_names(site, folder):
            assert (site / folder / name).is_file() and not name.startswith("."), f"{folder}/{name}"
    # nothing escaped the tags folder
    top = {p.split("/")[0] for p in snapshot(site)}
    assert top <= {"index.html", "entries", "sources", "tags", "people", "figures.html", "timeline.json",
                   "feed.xml", "sitemap.xml", "404.html", ".nojekyll", "static", "search-index.js", "search", "archive",
                   "timelinejs.json", "timelinejs.js", "timeline.ics", "entries.csv", "quotes.csv", "figures.csv",
                   "embed.html"}, top


def test_tag_page_lists_its_entries(data, pages):
    page = pages["tags/bridge.html"]
    targets = {site_path(page.path, h)[0] for h in page.a_hrefs()}
    for e in data["entries"]:
        if "bridge" in e["tags"]:
            assert f"entries/{e['slug']}.html" in targets, e["slug"]


# ------------------------------------------------------------------ feed and sitemap


def test_feed_has_every_entry_with_absolute_links(site, data):
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == ATOM + "feed"
    entries = root.findall(ATOM + "entry")
    assert len(entries) == len(data["entries"])
    found = set()
    for entry in entries:
        links = [l.get("href") for l in entry.findall(ATOM + "link")]
        assert links and all(l.startswith(BASE_URL) for l in links), links
        found.update(site_path("index.html", l[len(BASE_URL):])[0] for l in links)
        assert entry.find(ATOM + "id") is not None and entry.find(ATOM + "title") is not None
        updated = entry.find(ATOM + "updated").text
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", updated), updated
    assert found == {f"entries/{e['slug']}.html" for e in data["entries"]}
    for link in root.findall(ATOM + "link"):
        assert link.get("href").startswith(BASE_URL)


def test_sitemap_has_absolute_urls_of_real_pages(site, data):
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [loc.text for loc in root.iter(SITEMAP + "loc")]
    assert locs and all(l.startswith(BASE_URL) for l in locs), locs
    files = {site_path("index.html", l[len(BASE_URL):])[0] for l in locs}
    for f in files:
        assert (site / f).is_file(), f
    assert {f"entries/{e['slug']}.html" for e in data["entries"]} <= files
    assert "index.html" in files and "404.html" not in files and "embed.html" not in files


@pytest.mark.parametrize("given", ["https://mirror.example.net/tl/", "https://mirror.example.net/tl"])
def test_base_url_option_overrides(tmp_path, given):
    out = tmp_path / "out"
    result = build(rel(BASIC), out, "--base-url", given)
    assert result.returncode == 0, result.stderr
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(SITEMAP + "loc")]
    assert locs and all(l.startswith("https://mirror.example.net/tl/") for l in locs), locs
    feed = ET.parse(out / "feed.xml").getroot()
    hrefs = [l.get("href") for l in feed.iter(ATOM + "link")]
    assert hrefs and all(h.startswith("https://mirror.example.net/tl/") for h in hrefs), hrefs
    assert "example.org/bridge" not in (out / "sitemap.xml").read_text() + (out / "feed.xml").read_text()
    assert "https://mirror.example.net/tl/index.html" in locs
    assert load_json(out).get("base_url", "https://mirror.example.net/tl/") == "https://mirror.example.net/tl/"


def test_no_feed_or_sitemap_without_base_url(tmp_path):
    project = copy_fixture(tmp_path / "project")
    index = project / "content" / "_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("base_url: https://example.org/bridge/\n", ""), encoding="utf-8")
    out = tmp_path / "out"
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    assert not (out / "feed.xml").exists() and not (out / "sitemap.xml").exists()
    for path, page in html_pages(out).items():
        for node, attr, value in page.links():
            assert site_path(path, value)[0] not in ("feed.xml", "sitemap.xml"), f"{path} links to {value} that is not built"


# ------------------------------------------------------------------ drafts


def test_drafts_are_left_out_with_warnings(site):
    """The session build (exit 0 asserted there) warned about the draft's bad quote."""
    stderr = built_basic_stderr()
    found = problems(stderr)
    draft = os.path.join(rel(BASIC), "content", "2021-draft.md")
    assert (draft, 7, "warning") in [(p, l, s) for p, l, s, _ in found], stderr
    assert not [p for p in found if p[2] == "error"], stderr
    assert "Traceback" not in stderr
    assert not (site / "entries" / "2021-draft.html").exists()


def test_with_drafts_a_drafts_errors_are_errors(tmp_path):
    out = tmp_path / "out"
    result = build(rel(BASIC), out, "--drafts")
    assert result.returncode == 1, result.stderr
    draft = os.path.join(rel(BASIC), "content", "2021-draft.md")
    assert (draft, 7, "error") in [(p, l, s) for p, l, s, _ in problems(result.stderr)], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_valid_draft_is_included_only_with_drafts(tmp_path):
    project = copy_fixture(tmp_path / "project")
    draft = project / "content" / "2021-draft.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("This sentence is not in the source.", "a disgrace"), encoding="utf-8")
    plain = build(project, tmp_path / "plain")
    assert plain.returncode == 0, plain.stderr
    assert not [p for p in problems(plain.stderr) if "2021-draft" in p[0]], plain.stderr
    assert DRAFT not in [e["slug"] for e in load_json(tmp_path / "plain")["entries"]]
    with_drafts = build(project, tmp_path / "drafts", "--drafts")
    assert with_drafts.returncode == 0, with_drafts.stderr
    entries = load_json(tmp_path / "drafts")["entries"]
    assert DRAFT in [e["slug"] for e in entries]
    assert (tmp_path / "drafts" / "entries" / f"{DRAFT}.html").is_file()
    assert "Not ready." in read_page(tmp_path / "drafts", f"entries/{DRAFT}.html").main_text()


# ------------------------------------------------------------------ the command


def test_check_passes_and_writes_nothing(tmp_path):
    project = copy_fixture(tmp_path / "project")
    before = tree(project), snapshot(project)
    # default folders, relative to the current directory
    result = run_build("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (tree(project), snapshot(project)) == before
    assert not (project / "site").exists()
    # and with --out given, still nothing
    result = build(project, tmp_path / "out", command="check")
    assert result.returncode == 0, result.stderr
    result = run_build("check", "--content", project / "content", "--seeds", project / "seeds", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "out").exists()
    assert set(os.listdir(tmp_path)) == {"project"}


def test_build_with_default_folders(tmp_path):
    project = copy_fixture(tmp_path / "project")
    result = run_build(cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "index.html").is_file()
    assert ("content/2021-draft.md", 7, "warning") in [p[:3] for p in problems(result.stderr)], result.stderr


@pytest.mark.parametrize("args", [
    ["--frobnicate"],
    ["build", "--no-such-option", "x"],
    ["publish"],
    ["--content", "tests/fixtures/does-not-exist/content", "--seeds", "tests/fixtures/basic/seeds"],
    ["check", "--content", "tests/fixtures/does-not-exist/content", "--seeds", "tests/fixtures/basic/seeds"],
    ["--content", "tests/fixtures/basic/content", "--seeds", "tests/fixtures/does-not-exist/seeds"],
])
def test_wrong_usage_exits_2(tmp_path, args):
    out = tmp_path / "out"
    result = run_build(*args, "--out", str(out)) if args[0] != "check" else run_build(*args)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.strip(), "wrong usage should say what is wrong"
    assert not out.exists()


# ------------------------------------------------------------------ determinism and writing


def test_rebuild_is_byte_identical(site, tmp_path):
    """The session build (relative folders, random hash seed) and a build with
    absolute folders and another hash seed give the same bytes."""
    two = tmp_path / "two"
    second = run_build("--content", BASIC / "content", "--seeds", BASIC / "seeds", "--out", two, env={"PYTHONHASHSEED": "12345"})
    assert second.returncode == 0, second.stderr
    a, b = snapshot(site), snapshot(two)
    assert sorted(a) == sorted(b)
    differ = [p for p in a if a[p] != b[p]]
    assert not differ, f"files differ between two builds of the same input: {differ}"


def test_second_build_keeps_unchanged_files_and_removes_stale_ones(tmp_path):
    out = tmp_path / "out"
    assert build(rel(BASIC), out).returncode == 0
    old = 946684800  # 2000-01-01
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    (out / "stale.html").write_text("stale")
    (out / "entries" / "gone.html").write_text("gone")
    (out / "old" / "deep").mkdir(parents=True)
    (out / "old" / "deep" / "x.txt").write_text("x")
    result = build(rel(BASIC), out)
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.html").exists()
    assert not (out / "entries" / "gone.html").exists()
    assert not (out / "old" / "deep" / "x.txt").exists()
    touched = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.stat().st_mtime != old]
    assert not touched, f"unchanged files rewritten: {touched}"
    assert not [p for p in tmp_path.iterdir() if p.name != "out"], "a staging folder was left behind"


def test_changed_input_rewrites_only_what_changed(tmp_path):
    project = copy_fixture(tmp_path / "project")
    out = tmp_path / "out"
    assert build(project, out).returncode == 0
    before = snapshot(out)
    old = 946684800
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    overlap = project / "content" / "2021-10-31-overlap.md"
    overlap.write_text(overlap.read_text(encoding="utf-8") + "A new sentence.\n", encoding="utf-8")
    assert build(project, out).returncode == 0
    after = snapshot(out)
    changed = {p for p in after if after[p] != before.get(p)}
    assert "entries/2021-10-31-overlap.html" in changed
    for path in out.rglob("*"):
        rel_path = path.relative_to(out).as_posix()
        if path.is_file() and rel_path not in changed:
            assert path.stat().st_mtime == old, f"{rel_path} did not change but was rewritten"


# ------------------------------------------------------------------ layout of content/


def test_entries_in_sub_folders_get_flat_pages(site):
    assert (site / "entries" / "2021-03-26-vote.html").is_file()          # content/2021/
    assert (site / "entries" / "2021-04-02-cafe.html").is_file()          # content/2021/extra/
    assert not (site / "entries" / "2021").exists()


def test_bom_and_crlf_entry_files_are_accepted(tmp_path):
    project = copy_fixture(tmp_path / "project")
    text = (
        "---\n"
        "title: Written on Windows\n"
        "date: 2021-03-29\n"
        "tags: [windows]\n"
        "sources:\n"
        "  - id: radio\n"
        "    passage: He said 3,500 people\n"
        "quotes:\n"
        "  - text: >-\n"
        "      We will fight\n"
        "      this decision\n"
        "    by: Jon Berg\n"
        "    source: radio\n"
        "---\n"
        "First line of the body\n"
        "and [a link](2021-month.md).\n"
    )
    (project / "content" / "2021-03-29-windows.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    index = project / "content" / "_index.md"
    index.write_bytes(b"\xef\xbb\xbf" + index.read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "out"
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    data = load_json(out)
    assert data["timezone"] == "Europe/Berlin" and data["title"] == "The bridge affair"
    entry = next(e for e in data["entries"] if e["slug"] == "2021-03-29-windows")
    assert entry["title"] == "Written on Windows" and entry["date"] == "2021-03-29"
    assert entry["quotes"][0]["text"] == "We will fight this decision"
    page = read_page(out, "entries/2021-03-29-windows.html")
    assert "First line of the body and a link." in page.main_text()
    assert ("entries/2021-month.html", "") in [site_path(page.path, h) for h in page.a_hrefs()]
    assert "\r" not in page.source and "\ufeff" not in page.source


def test_optional_keys_left_empty_are_absent(tmp_path):
    """`end:` or `tags:` with nothing after it is YAML's empty value: the key is
    not given (yamlread.py: "an empty plain scalar means no value")."""
    project = copy_fixture(tmp_path / "project")
    (project / "content" / "2021-03-30-empty.md").write_text(
        "---\ntitle: Optional keys left empty\ndate: 2021-03-30\nend:\nplace:\ntags:\npeople:\n"
        "quotes:\nfigures:\ncorrections:\nupdated:\nsources: [radio]\n---\n", encoding="utf-8")
    out = tmp_path / "out"
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    entry = next(e for e in load_json(out)["entries"] if e["slug"] == "2021-03-30-empty")
    assert (entry["end"], entry["place"], entry["tags"], entry["people"], entry["quotes"], entry["figures"]) == (None, None, [], [], [], [])


def test_two_entries_with_one_slug_are_an_error(tmp_path):
    project = copy_fixture(tmp_path / "project")
    (project / "content" / "other").mkdir()
    shutil.copy(project / "content" / "2021-month.md", project / "content" / "other" / "2021-month.md")
    result = build(rel(project), tmp_path / "out")
    assert result.returncode == 1, result.stderr
    paths = {os.path.join(rel(project), "content", "2021-month.md"), os.path.join(rel(project), "content", "other", "2021-month.md")}
    assert [p for p in problems(result.stderr) if p[0] in paths and p[2] == "error"], result.stderr
    assert not (tmp_path / "out").exists()


def test_order_ties_are_broken_by_file_path(tmp_path):
    """Four dates that all begin at 2019-01-01T00:00 in Europe/Berlin: the
    contract orders them by file path, whatever their precision."""
    project = copy_fixture(tmp_path / "project")
    for name, date in (("tie-a.md", "2019-01-01"), ("tie-b.md", "2019"), ("tie-c.md", "2019-01-01T00:00"),
                       ("tie-d.md", "2018-12-31T23:00Z"), ("tie-e.md", "January 2019")):
        (project / "content" / name).write_text(f"---\ntitle: {name}\ndate: {date}\nsources: [radio]\n---\n", encoding="utf-8")
    # the date comes from the front matter only, never from the file name
    (project / "content" / "1999-12-31-misleading.md").write_text(
        "---\ntitle: misleading name\ndate: 2019-01-02\nsources: [radio]\n---\n", encoding="utf-8")
    out = tmp_path / "out"
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    entries = load_json(out)["entries"]
    slugs = [e["slug"] for e in entries]
    assert next(e for e in entries if e["slug"] == "1999-12-31-misleading")["date"] == "2019-01-02"
    assert slugs.index("1999-12-31-misleading") == max(slugs.index(f"tie-{x}") for x in "abcde") + 1
    ties = [s for s in slugs if s.startswith("tie-")]
    assert ties == ["tie-a", "tie-b", "tie-c", "tie-d", "tie-e"], ties
    index = read_page(out, "index.html")
    ids = [a.attrs["id"] for a in index.root.find_all("article") if a.attrs.get("id", "").startswith("tie-")]
    assert ids == ties


def test_listing_is_split_beyond_page_size(tmp_path):
    project = copy_fixture(tmp_path / "project")
    index = project / "content" / "_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("page_size: 500", "page_size: 2"), encoding="utf-8")
    out = tmp_path / "out"
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    slugs = [e["slug"] for e in load_json(out)["entries"]]
    pages = html_pages(out)
    home = pages["index.html"]
    linked = {site_path("index.html", h)[0] for h in home.a_hrefs()}
    listed: dict[str, list[str]] = {s: [] for s in slugs}
    for path, page in pages.items():
        if path.startswith(("entries/", "sources/", "tags/", "people/")):
            continue
        for article in page.root.find_all("article"):
            if article.attrs.get("id") in listed:
                listed[article.attrs["id"]].append(path)
    for slug, where in listed.items():
        assert len(where) == 1, f"{slug} listed on {where}: should be exactly one page"
        assert where[0] == "index.html" or where[0] in linked or any(
            where[0] in {site_path(p, h)[0] for h in pages[p].a_hrefs()} for p in linked if p in pages
        ), f"{where[0]} is not linked from the home page"
    # with 9 entries and a page size of 2 the home page itself does not list them all
    assert sum(1 for w in listed.values() if w == ["index.html"]) <= 2
