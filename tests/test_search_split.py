"""The split search index finds what the whole index found.

Until the index was split, static/search.js loaded every entry's folded
text at once and kept an entry when every word of the query (folded, split
at white space) was found anywhere in it. REFERENCE below is that matching,
as it was written, run in Chromium on each entry's text as the whole index
held it (made here from the checked timeline); the split index, used
through the page as a reader does, must give the same entries in the same
order, and the same count, for a fixed set of queries, on the example and
on a timeline written to trip it: accents, letters of many scripts, words
inside words, scripts without spaces, characters beyond U+FFFF."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from pathlib import Path

import pytest

from browser_support import file_url
from conftest import build_site
from helpers import REPO, copy_fixture, snapshot
from timeline.model.assemble import Folders, load_timeline
from timeline.engine import Engine
from timeline.memory import Memory

# static/search.js's matching before the split, word for word.
# How many results static/search.js lists at most (its first results in timeline order).
MAX_LISTED = int(re.search(r"var MAX_LISTED = (\d+);", (REPO / "static" / "search.js").read_text(encoding="utf-8"))[1])

REFERENCE = r"""([rows, q, tag, person]) => {
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f\u0591-\u05bd\u05bf-\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g, "")
      .toLowerCase();
  }
  var prepared = rows.map(function (r) {
    return {slug: r.slug, tags: r.tags, people: r.people,
            hay: fold([r.title, r.place, r.tags.join(" "), r.people.join(" "), r.group].join(" ")) + " " + r.words};
  });
  var words = fold(q).split(/\s+/).filter(Boolean);
  return prepared.filter(function (r) {
    if (tag && r.tags.indexOf(tag) < 0) { return false; }
    if (person && r.people.indexOf(person) < 0) { return false; }
    return words.every(function (w) { return r.hay.indexOf(w) >= 0; });
  }).map(function (r) { return r.slug; });
}"""

# Entries written to trip a search: (slug, title, place, tags, people, body).
TRICKY = [
    ("2021-05-01-greek", "ΟΔΟΣ ΚΛΕΙΣΤΗ στην Αθήνα", "Αθήνα", ["Ελλάδα"], [], "Ο δρόμος έκλεισε. ΟΔΥΣΣΕΑΣ μίλησε."),
    ("2021-05-02-turkish", "İstanbul köprüsü kapandı", "İzmir", ["Türkiye"], ["Çağla Şahin"], "IŞIK ve ığdır, ısı."),
    ("2021-05-03-german", "Straße gesperrt: Fähre fährt", "Köln", ["Verkehr"], ["Jürgen Groß"], "Die STRASSE und die Straße."),
    ("2021-05-04-viet", "Cầu Long Biên đóng cửa", "Hà Nội", ["Việt Nam"], [], "Người dân đi đường vòng."),
    ("2021-05-05-arabic", "إغلاق الجِسْرِ القديم", "القاهرة", ["مصر"], [], "قالَ المُحافِظُ إنَّ الجسر مغلق."),
    ("2021-05-06-hebrew", "הַגֶּשֶׁר נִסְגַּר", "חיפה", ["ישראל"], [], "ראש העיר אמר שהגשר סגור."),
    ("2021-05-07-chinese", "旧桥关闭引发抗议", "北京", ["中国"], ["王小明"], "市民在桥边抗议，交通受阻。"),
    ("2021-05-08-japanese", "古い橋が閉鎖された", "東京", ["日本"], [], "市長は橋の閉鎖を発表した。カフェも閉店。"),
    ("2021-05-09-astral", "Emoji 🌉 bridge and 𠀀 rare", "Somewhere", ["symbols"], [], "A 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 word and 🚧 works."),
    ("2021-05-10-russian", "Мост закрыт, ТОКАЕВ говорит", "Алматы", ["Алматы"], ["Касым-Жомарт Токаев"], "Ёлка и елка: жители протестуют."),
    ("2021-05-11-spaces", "Non\u00a0breaking space and thin\u2009space", "Here", ["bridge"], [], "Word\u3000ideographic\u202fnarrow."),
    ("2021-05-12-punct", "Shoot-to-kill order (3,800 held)", "Almaty", ["crackdown"], ["Kassym-Jomart Tokayev"], "They said: \"no\"—and left. e-mail, co-op; 50%."),
    ("2021-05-13-prefix", "Bridgework, bridges and a bridgehead", "Brno", ["bridge"], [], "Rebridged; unbridgeable; the bridge."),
    ("2021-05-14-cafe", "Café society", "Paris", ["café au lait"], ["José Ñúñez"], "CAFÉ, cafe, Café, cafés."),
]
# Enough fillers that some queries match more than a search lists (MAX_LISTED).
for n in range(130):
    TRICKY.append((f"2021-06-{n % 28 + 1:02d}-filler-{n}", f"Filler {n} about the ferry and bridge {n * 37}",
                   ["Brno", "Almaty", "Paris"][n % 3], [["bridge"], ["ferry", "crackdown"], []][n % 3],
                   [["Mira Holm"], [], ["José Ñúñez"]][n % 3], f"Body {n} with words ferry{n} and {'café' if n % 4 else 'cafe'}."))

QUERIES = [
    ("", "bridge", ""), ("", "", "José Ñúñez"), ("bridge", "", ""), ("brid", "", ""), ("idge", "", ""),
    ("BRIDGE ferry", "", ""), ("ferry", "crackdown", ""), ("cafe", "", "José Ñúñez"), ("café", "", ""),
    ("CAFÉ", "", ""), ("nunez", "", ""), ("a", "", ""), ("é", "", ""), ("e", "", ""), ("br", "", ""),
    ("zz", "", ""), ("zzqxj", "", ""), ("οδος", "", ""), ("ΟΔΥΣΣΕΑΣ", "", ""), ("οδυσσεας", "", ""),
    ("istanbul", "", ""), ("i̇stanbul", "", ""), ("ışık", "", ""), ("straße", "", ""), ("strasse", "", ""),
    ("cau long", "", ""), ("الجسر", "", ""), ("הגשר", "", ""), ("桥", "", ""), ("关闭", "", ""),
    ("閉鎖", "", ""), ("カフェ", "", ""), ("🌉", "", ""), ("𠀀", "", ""), ("𝔘", "", ""), ("𝔘𝔫𝔦", "", ""),
    ("токаев", "", ""), ("елка", "", ""), ("ёлка", "", ""), ("алматы мост", "", ""),
    ("breaking space", "", ""), ("ideographic", "", ""), ("shoot-to-kill", "", ""), ("3,800", "", ""),
    ("(3,800", "", ""), ("\"no\"—and", "", ""), ("50%", "", ""), ("co-op;", "", ""), ("unbridge", "", ""),
    ("ferry1", "", ""), ("ferry12 body", "", ""), ("filler 3", "", ""), ("1", "", ""), ("37", "", ""),
    ("  bridge   ferry  ", "", ""), ("tokayev", "crackdown", "Kassym-Jomart Tokayev"),
    ("almaty", "", ""), ("airport", "", ""), ("shoot kill", "", ""), ("ayev", "", ""), ("protesters", "", ""),
]


def _entry(slug: str, title: str, place: str, tags: list[str], people: list[str], body: str) -> str:
    def quoted(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines = ["---", f"title: {quoted(title)}", f"date: {slug[:10]}", f"place: {quoted(place)}",
             f"tags: [{', '.join(quoted(t) for t in tags)}]", f"people: [{', '.join(quoted(p) for p in people)}]",
             "sources: [gazette]", "---", body, ""]
    return "\n".join(lines)


def _tricky_project(root: Path) -> Path:
    project = copy_fixture(root / "tricky")
    index = project / "content" / "_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("page_size: 500", "page_size: 10"), encoding="utf-8")
    for slug, *fields in TRICKY:
        (project / "content" / f"{slug}.md").write_text(_entry(slug, *fields), encoding="utf-8")
    return project


def _reference_rows(content: Path, seeds: Path) -> list[dict]:
    """Each entry's text as the whole index held it."""
    timeline, problems = load_timeline(Folders(content, seeds, str(content), str(seeds)), engine=Engine(), memory=Memory())
    assert timeline is not None, problems.sorted()
    return [{"slug": e.slug, "title": e.title, "place": e.place or "", "tags": [t for t, _ in e.tag_links],
             "people": [p for p, _ in e.people_links], "group": e.group_link[0] if e.group_link else "",
             "words": e.search_words} for e in timeline.entries]


def _built(tmp_path_factory, name: str, content: Path, seeds: Path) -> tuple[Path, list[dict], Path, Path]:
    out = tmp_path_factory.mktemp(name) / "site"
    proc = build_site(content, seeds, out)
    assert proc.returncode == 0, proc.stderr
    return out, _reference_rows(content, seeds), content, seeds


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    project = _tricky_project(tmp_path_factory.mktemp("tricky-src"))
    return _built(tmp_path_factory, "tricky", project / "content", project / "seeds")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return _built(tmp_path_factory, "example", REPO / "content", REPO / "seeds")


def _settle(page) -> None:
    page.wait_for_function("() => document.getElementById('search').dataset.state === 'ready'")


def _choose(page, select: str, value: str) -> None:
    page.select_option(select, value=value)


def _found(page, site: Path) -> tuple[list[str], str]:
    """What the page shows: the entries found, in order, and the status."""
    status = " ".join(page.text_content("#search-status").split())
    if page.locator("article.entry").count():
        found = page.eval_on_selector_all("article.entry", "els => els.filter(e => !e.hidden).map(e => e.id)")
    else:
        hrefs = page.eval_on_selector_all("#search-results a", "as => as.map(a => a.href)")
        found = []
        for href in hrefs:
            parts = urllib.parse.urlsplit(href)
            found.append(urllib.parse.unquote(parts.fragment) or Path(urllib.parse.unquote(parts.path)).stem)
    return found, status


@pytest.mark.parametrize("which", ["tricky", "example"])
def test_split_index_finds_what_the_whole_index_found(browser, request, which):
    site, rows, _, _ = request.getfixturevalue(which)
    assert (site / "search-index.js").is_file() and list((site / "search").glob("w*.js"))
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(file_url(site / "index.html"))
        one_page = page.locator("article.entry").count() > 0
        assert one_page == (which == "example")
        limited = 0
        for query, tag, person in QUERIES:
            expected = page.evaluate(REFERENCE, [rows, query, tag, person])
            _choose(page, "#tag-filter", tag if tag in {t for r in rows for t in r["tags"]} else "")
            _choose(page, "#person-filter", person if person in {p for r in rows for p in r["people"]} else "")
            if (tag and page.input_value("#tag-filter") != tag) or (person and page.input_value("#person-filter") != person):
                continue   # a filter this timeline does not have
            page.fill("#q", query)
            _settle(page)
            found, status = _found(page, site)
            active = bool(query.strip() or tag or person)
            where = f"{which}: {query!r} tag={tag!r} person={person!r}"
            if not active:
                assert status == "", where
                continue
            if one_page:
                assert found == [r["slug"] for r in rows if r["slug"] in set(expected)] == expected, where
            else:
                assert found == expected[:MAX_LISTED], where
                limited += len(expected) > MAX_LISTED
            if expected:
                assert status.startswith(f"{len(expected)} of {len(rows)} entries match"), (where, status)
            else:
                assert status == "No entry matches.", where
        assert errors == []
        # The list's limit is met where there is a list: some queries find more.
        assert limited if not one_page else not limited
    finally:
        page.close()


def test_the_queries_find_something_and_not_everything(tricky):
    """The fixed queries are worth asking: most find some entries, not all."""
    rows = tricky[1]

    def matches(q: str) -> int:
        words = [w for w in re.split(r"\s+", q.lower()) if w]
        return sum(all(w in r["words"] or w in r["title"].lower() for w in words) for r in rows)
    assert matches("bridge") and matches("bridge") < len(rows)
    assert matches("桥") and matches("ferry1") < matches("ferry")


def test_the_split_index_is_light_and_rebuilt_byte_for_byte(tricky, tmp_path):
    site, rows, content, seeds = tricky
    head = (site / "search-index.js").read_bytes()
    assert head.startswith(b"window.TIMELINE_SEARCH=") and len(head) < 4000
    files = sorted(p.relative_to(site).as_posix() for p in (site / "search").iterdir())
    chunk = json.loads(head.decode("utf-8").split("=", 1)[1].rstrip().rstrip(";"))["chunk"]
    chunks = -(-len(rows) // chunk)
    assert {f"search/e{k}.js" for k in range(chunks)} | {"search/tags.js", "search/people.js", "search/groups.js"} <= set(files)
    # The home page names no file of the index but its head, and loads none of it by itself.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "search/" not in home and re.findall(r"<script\b[^>]*src=\"([^\"]+)\"", home) == ["static/search.js"]
    # Every file of the index is a classic script that only hands its data to the head.
    for name in files:
        text = (site / name).read_text(encoding="utf-8")
        assert re.fullmatch(r'TIMELINE_SEARCH\.parts\["[a-z0-9]+"\]=.*;\n', text, re.S), name
    again = tmp_path / "again"
    proc = build_site(content, seeds, again)
    assert proc.returncode == 0, proc.stderr
    first, second = snapshot(site), snapshot(again)
    assert {k: v for k, v in first.items() if k.startswith("search")} == {k: v for k, v in second.items() if k.startswith("search")}


def test_a_body_edit_is_quick_and_its_shards_are_as_a_fresh_build_makes_them(tmp_path):
    """Words that come (one new to the timeline, one beyond U+FFFF) and go
    (one no other entry has): the quick rebuild remakes the shards from
    themselves, as a fresh build makes them."""
    project = _tricky_project(tmp_path)
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build_site(project / "content", project / "seeds", site, "--cache", cache)
    assert first.returncode == 0, first.stderr
    entry = project / "content" / "2021-05-13-prefix.md"
    text = entry.read_text(encoding="utf-8")
    assert "unbridgeable" in text
    entry.write_text(text.replace("unbridgeable", "Überbrückungszeit 𝔅rücke"), encoding="utf-8")
    quick = build_site(project / "content", project / "seeds", site, "--cache", cache)
    assert quick.returncode == 0 and "quick rebuild" in quick.stderr + quick.stdout, quick.stderr
    fresh = tmp_path / "fresh"
    assert build_site(project / "content", project / "seeds", fresh, "--no-cache").returncode == 0
    ours, theirs = snapshot(site), snapshot(fresh)
    assert ours == theirs
    shards = "".join((site / "search" / n).read_text(encoding="utf-8") for n in sorted(os.listdir(site / "search")))
    assert "uberbruckungszeit" in shards and "unbridgeable" not in shards


def test_the_home_page_loads_nothing_of_the_index_until_the_search_is_used(browser, tricky):
    site = tricky[0]
    page = browser.new_page()
    try:
        page.goto(file_url(site / "index.html"))
        page.wait_for_timeout(300)
        scripts = "() => Array.from(document.scripts).map(s => s.getAttribute('src')).filter(Boolean)"
        assert page.evaluate(scripts) == ["static/search.js"]
        page.click("#q")
        page.wait_for_function("() => document.getElementById('search').dataset.state === 'ready'")
        assert sorted(page.evaluate(scripts)) == ["search-index.js", "static/search.js"]   # the head alone
    finally:
        page.close()


def test_fewer_entries_leave_no_file_of_the_index_behind(tmp_path):
    """The index's files are outputs like any other: a build that needs
    fewer of them (fewer entries, fewer shards) removes the rest."""
    project = _tricky_project(tmp_path)
    site = tmp_path / "site"
    assert build_site(project / "content", project / "seeds", site).returncode == 0
    before = {p.name for p in (site / "search").iterdir()}
    for slug, *_ in TRICKY[14:]:
        (project / "content" / f"{slug}.md").unlink()
    assert build_site(project / "content", project / "seeds", site).returncode == 0
    after = {p.name for p in (site / "search").iterdir()}
    head = json.loads((site / "search-index.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";\n"))
    chunks = -(-head["count"] // head["chunk"])
    assert after == ({f"w{s}.js" for s in range(len(head["shards"]))} | {f"e{k}.js" for k in range(chunks)}
                     | {"tags.js", "people.js", "groups.js"})
    assert after < before and len(head["shards"]) < 4
    fresh = tmp_path / "fresh"
    assert build_site(project / "content", project / "seeds", fresh).returncode == 0
    assert snapshot(site) == snapshot(fresh)
