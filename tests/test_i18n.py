"""The site's language (contract, section 7): the tag checked against
CLDR, the catalogues, and dates, numbers and plural forms as CLDR gives
them, on real builds of the fixture timelines."""

from __future__ import annotations

import re
import urllib.parse
from zoneinfo import ZoneInfo
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from helpers import build, copy_fixture, problems, rel

from timeline.read.i18n import bundled_languages, catalogue_keys, english_catalogue, parse_tag, LanguageError


def set_language(project: Path, tag: str) -> None:
    index = project / "content" / "_index.md"
    text = index.read_text("utf-8")
    text = re.sub(r"^language: .*\n", "", text, flags=re.M)
    index.write_text(text.replace("---\n", f"---\nlanguage: {tag}\n", 1), "utf-8")


@pytest.mark.parametrize("written, closest", [("german", "de"), ("Deutsch", "de"), ("russian", "ru"),
                                               ("pt_BR", "pt-BR"), ("kazakh", "kk"), ("Français", "fr")])
def test_an_unknown_language_is_an_error_naming_the_closest(tmp_path, written, closest):
    project = copy_fixture(tmp_path / "p")
    set_language(project, written)
    out = tmp_path / "site"
    result = build(rel(project), out)
    assert result.returncode == 1, result.stderr
    index = rel(project / "content" / "_index.md")
    assert (index, 2, "error", f'unknown language "{written}": did you mean "{closest}"?') in problems(result.stderr)
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_tags_that_cldr_knows_are_accepted():
    for tag in ("de", "pt-BR", "zh-Hans", "zh-Hant", "kk", "ar", "en-US", "sr-Latn"):
        assert parse_tag(tag).language == tag.split("-")[0]
    for tag in ("xx", "en-XX", "de_DE!", ""):
        with pytest.raises(LanguageError):
            parse_tag(tag)


# ---------------------------------------------------------------- the catalogues

SECTION_7 = ["en", "de", "fr", "es", "pt", "it", "nl", "pl", "ru", "uk", "kk", "tr", "ar", "fa", "he",
             "zh-Hans", "ja", "ko", "hi", "id", "sw"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_language_of_the_contract_is_bundled():
    assert sorted(SECTION_7) == sorted(bundled_languages())


@pytest.mark.parametrize("tag", bundled_languages())
def test_a_bundled_catalogue_has_every_key_and_every_plural_form_cldr_asks(tag):
    import yaml
    english = english_catalogue()
    data = yaml.safe_load((Path(__file__).parent.parent / "timeline" / "catalogues" / f"{tag}.yaml").read_text("utf-8"))
    assert set(data) == set(english), (set(english) - set(data), set(data) - set(english))
    needed = set(parse_tag(tag).plural_form.tags) | {"other"}
    for key, value in english.items():
        if isinstance(value, dict):
            assert isinstance(data[key], dict) and set(data[key]) == needed, (key, data[key], needed)
            names = set(PLACEHOLDER.findall(value["other"]))
            for form in data[key].values():
                assert set(PLACEHOLDER.findall(form)) <= names | {"count"}, (key, form)
            assert set(PLACEHOLDER.findall(data[key]["other"])) == names, (key, data[key]["other"])
        else:
            assert isinstance(data[key], str) and data[key].strip() or value.strip() == "", (key, data[key])
            assert set(PLACEHOLDER.findall(data[key])) == set(PLACEHOLDER.findall(value)), (key, data[key])


# ---------------------------------------------------------------- the fixtures built in every language

import json
import shutil
from html.parser import HTMLParser

from babel.dates import format_date

FIXTURES = Path(__file__).parent / "fixtures"
_BUILT: dict[tuple[str, str], Path] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """built(fixture, tag): the fixture timeline built in that language (once)."""
    def make(name: str, tag: str) -> Path:
        if (name, tag) not in _BUILT:
            project = tmp_path_factory.mktemp(f"{name}-{tag}")
            shutil.copytree(FIXTURES / name, project, dirs_exist_ok=True)
            set_language(project, tag)
            out = project / "site"
            # The tracks fixture's draft shows the marks of a draft; the basic one's fails under --drafts.
            result = build(project, out, "--no-cache", *(["--drafts"] if name == "tracks" else []))
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
            _BUILT[name, tag] = out
        return _BUILT[name, tag]
    return make


class _Texts(HTMLParser):
    """Every text node and every text attribute of a page, with the
    element holding it and its language."""

    ATTRIBUTES = ("alt", "title", "aria-label", "data-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.html: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html = {k: v or "" for k, v in a.items()}
        for name in self.ATTRIBUTES:
            if a.get(name):
                self.out.append(a[name])
        # A page's description and link-preview title: fixed words around the curator's.
        if tag == "meta" and (a.get("name") == "description" or a.get("property") in ("og:title", "og:description")):
            self.out.append(a.get("content") or "")
        if a.get("data-strings"):
            for value in json.loads(a["data-strings"]).values():
                self.out.extend(value.values() if isinstance(value, dict) else [value])
        if tag not in ("meta", "link", "br", "img", "input", "hr", "source", "rect"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        # Scripts and styles are no text; code is file names and commands.
        if not {"script", "style", "code"} & set(self.stack):
            self.out.append(data)


def page_texts(path: Path) -> tuple[list[str], dict[str, str]]:
    parser = _Texts()
    parser.feed(path.read_text("utf-8"))
    return [t.strip() for t in parser.out if t.strip()], parser.html


def words(text: str) -> set[str]:
    """The words of Latin letters of a text (no token holding digits: hashes)."""
    return {w.casefold() for w in re.findall(r"\w+", text) if w.isalpha() and w.isascii() and len(w) > 2}


def calendar_words(tag: str) -> set[str]:
    """The month and day names of a language, as CLDR writes them."""
    locale = parse_tag(tag)
    names: set[str] = set()
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                for name in width.values():
                    names |= words(name)
    return names


def corpus(name: str) -> set[str]:
    """The words the curator wrote: in the content and the seeds."""
    return set().union(*(words(p.read_text("utf-8", errors="replace")) for p in (FIXTURES / name).rglob("*")
                         if p.is_file() and p.suffix in (".md", ".txt", ".yaml")))


@pytest.mark.parametrize("tag", [t for t in bundled_languages() if t != "en"])
@pytest.mark.parametrize("name", ["basic", "tracks"])
def test_no_string_of_the_english_build_is_left_outside_the_content(built, name, tag):
    import yaml
    english_site, site = built(name, "en"), built(name, tag)
    written = corpus(name)
    own = yaml.safe_load((Path(__file__).parent.parent / "timeline" / "catalogues" / f"{tag}.yaml").read_text("utf-8"))
    own_texts = {v.strip() for value in own.values() for v in (value.values() if isinstance(value, dict) else [value])}
    left = []
    pages = sorted(p.relative_to(english_site) for p in english_site.rglob("*.html"))
    assert len(pages) > 10
    for rel_path in pages:
        english, _ = page_texts(english_site / rel_path)
        # A text of the site's own: one with a word the curator never wrote.
        fixed = {t for t in english if words(t) - written}
        texts, html = page_texts(site / rel_path)
        assert html.get("lang") == tag, (rel_path, html)
        assert (html.get("dir") == "rtl") == (parse_tag(tag).text_direction == "rtl"), (rel_path, html)
        # A date the language writes as English does ("August 2021" in German) is the language's own.
        left += [f"{rel_path}: {t!r}" for t in texts
                 if t in fixed and t not in own_texts and words(t) - written - calendar_words(tag)]
    assert left == [], "\n".join(left[:40])


@pytest.mark.parametrize("tag", ["de", "ru", "ar", "ja", "pt-BR", "en-US"] )
def test_dates_are_cldrs_at_their_precision(built, tag):
    """Each entry page's date, as CLDR writes it in the language: a day in
    full, a month standalone with its year, a year alone."""
    from babel.dates import format_skeleton
    locale = parse_tag(tag)
    site = built("basic", tag)
    data = json.loads((site / "timeline.json").read_text("utf-8"))
    assert data["language"] == tag
    checked = 0
    for entry in data["entries"]:
        if entry["end"] or entry.get("display_date"):
            continue
        html = (site / urllib.parse.unquote(entry["url"])).read_text("utf-8")
        shown = re.search(r'<p class="when">(?:<span class="approx-label">[^<]*</span>)?<time datetime="([^"]+)">([^<]+)</time>',
                          html)
        assert shown and shown[1] == entry["date"], entry["slug"]
        iso = entry["date"]
        y, m, d = (int(x) for x in (iso[:10].split("-") + ["1", "1"])[:3])
        if len(iso) == 4:
            want = format_skeleton("y", __import__("datetime").date(y, 1, 1), locale=locale)
        elif len(iso) == 7:
            want = format_skeleton("yMMMM", __import__("datetime").date(y, m, 1), locale=locale)
        elif len(iso) == 10:
            want = format_date(__import__("datetime").date(y, m, d), "full", locale=locale)
        else:
            # A time: its day in full, its clock, and its zone as CLDR names it in the language.
            from babel.dates import get_timezone_name
            moment = __import__("datetime").datetime.fromisoformat(iso).astimezone(ZoneInfo(data["timezone"]))
            want = format_date(moment.date(), "full", locale=locale)
            assert want in shown[2], (shown[2], want)
            zone = get_timezone_name(moment, "long", locale=locale)
            assert shown[2].endswith(zone) and f"{moment:%M}" in shown[2], (shown[2], zone)
            checked += 1
            continue
        assert shown[2] == want, (entry["slug"], shown[2], want)
        checked += 1
    assert checked >= 5


# ---------------------------------------------------------------- the curator's side

@pytest.mark.parametrize("tag, written, iso", [
    ("de", "26. März 2021", "2021-03-26"), ("de", "Freitag, 26. März 2021 15:30", "2021-03-26T15:30+01:00"),
    ("ru", "26 марта 2021 г.", "2021-03-26"), ("ru", "март 2021", "2021-03"), ("fr", "mars 2021", "2021-03"),
    ("fr", "26 mars 2021", "2021-03-26"), ("pt-BR", "26 de março de 2021", "2021-03-26"),
    ("ja", "2021年3月26日", "2021-03-26"), ("kk", "2021 ж. 26 наурыз", "2021-03-26"),
    ("pl", "26 marca 2021", "2021-03-26"), ("de", "26 March 2021", "2021-03-26"),
])
def test_front_matter_dates_in_the_timelines_language(tmp_path, tag, written, iso):
    project = copy_fixture(tmp_path / "p")
    set_language(project, tag)
    entry = project / "content" / "2021" / "2021-03-26-vote.md"
    entry.write_text(re.sub(r"^date: .*$", f"date: {written}", entry.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "site" / "timeline.json").read_text("utf-8"))
    assert {e["slug"]: e["date"] for e in data["entries"]}["2021-03-26-vote"] == iso


def test_a_month_name_of_another_language_is_an_error_at_its_line(tmp_path):
    project = copy_fixture(tmp_path / "p")
    set_language(project, "de")
    entry = project / "content" / "2021" / "2021-03-26-vote.md"
    lines = entry.read_text("utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("date:"))
    entry.write_text(re.sub(r"^date: .*$", "date: 26 марта 2021", entry.read_text("utf-8"), count=1, flags=re.M),
                     "utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 1
    found = problems(result.stderr)
    assert [(p[1], p[2]) for p in found if p[0].endswith("2021-03-26-vote.md")] == [(line, "error")], result.stderr


def test_a_project_catalogue_overrides_and_its_unknown_key_names_the_closest(tmp_path):
    project = copy_fixture(tmp_path / "p")
    set_language(project, "de")
    (project / "i18n").mkdir()
    (project / "i18n" / "de.yaml").write_text(
        "# Our newsroom's words\nnav.timeline: Zeitleiste\nhome.entries:\n  one: \"{count} Meldung\"\n"
        "  other: \"{count} Meldungen\"\n", "utf-8")
    out = tmp_path / "site"
    result = build(project, out, "--no-cache")
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text("utf-8")
    assert ">Zeitleiste</a>" in home and " Meldungen aus " in home and "Suchen und filtern" in home
    (project / "i18n" / "de.yaml").write_text("nav.timline: Zeitleiste\nsearch.label: Suche\n", "utf-8")
    result = build(rel(project), out, "--no-cache")
    assert result.returncode == 1
    assert (rel(project / "i18n" / "de.yaml"), 1, "error",
            'unknown key "nav.timline" in the catalogue; did you mean "nav.timeline"?') in problems(result.stderr)


def test_a_regional_tag_takes_its_languages_strings_and_its_own_dates(tmp_path, built):
    site = built("basic", "pt-BR")
    page = (site / "entries" / "2021-03-26-vote.html").read_text("utf-8")
    assert "Fontes" in page and "sexta-feira, 26 de março de 2021" in page
    assert '<html lang="pt-BR"' in page


def test_a_language_without_a_catalogue_builds_with_its_dates_and_english_marked(tmp_path):
    project = copy_fixture(tmp_path / "p")
    set_language(project, "eu")     # Basque: CLDR knows it, no catalogue is bundled
    out = tmp_path / "site"
    result = build(project, out, "--no-cache")
    assert result.returncode == 0, result.stderr
    warned = [p for p in problems(result.stderr) if "catalogue" in p[3]]
    assert len(warned) == 1 and warned[0][2] == "warning" and "i18n/eu.yaml" in warned[0][3], warned
    page = (out / "entries" / "2021-03-26-vote.html").read_text("utf-8")
    assert '<html lang="eu"' in page
    assert '<span lang="en">Sources</span>' in page
    assert format_date(__import__("datetime").date(2021, 3, 26), "full", locale="eu") in page


def test_the_cache_renders_again_when_the_catalogue_changes(tmp_path):
    project = copy_fixture(tmp_path / "p")
    set_language(project, "de")
    (project / "i18n").mkdir()
    catalogue = project / "i18n" / "de.yaml"
    catalogue.write_text("nav.timeline: Zeitleiste\n", "utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(project, out, "--cache", cache).returncode == 0
    catalogue.write_text("nav.timeline: Verlauf\n", "utf-8")
    assert build(project, out, "--cache", cache).returncode == 0
    assert ">Verlauf</a>" in (out / "sources" / "index.html").read_text("utf-8")
    set_language(project, "fr")
    assert build(project, out, "--cache", cache).returncode == 0
    assert ">Chronologie</a>" in (out / "sources" / "index.html").read_text("utf-8")


def test_init_sets_the_language(tmp_path):
    from helpers import run_build
    result = run_build("init", tmp_path / "p", "--language", "kk")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^language: kk$", (tmp_path / "p" / "content" / "_index.md").read_text("utf-8"), re.M)
    result = run_build("init", tmp_path / "q", "--language", "kazakh")
    assert result.returncode == 1 and 'did you mean "kk"?' in result.stderr
    assert not (tmp_path / "q" / "content").exists()


@pytest.mark.parametrize("tag", [t for t in bundled_languages() if t != "en"] + ["pt-BR", "en-US"])
def test_numbers_and_plural_forms_are_cldrs(built, tag):
    """Figures with the language's separators and digits; every count
    with the plural form CLDR's rules pick for it."""
    import yaml
    locale = parse_tag(tag)
    site = built("basic", tag)
    data = json.loads((site / "timeline.json").read_text("utf-8"))
    figures = (site / "figures.html").read_text("utf-8")
    values = [f["value"] for e in data["entries"] for f in e["figures"]]
    assert any(v >= 1000 for v in values)
    for value in values:
        written = format_decimal(value, locale=locale, numbering_system="default")
        assert re.search(r'<td class="num"[^>]*>(?:[^<]* )?' + re.escape(written) + r"[ <]", figures), (value, written)
    names = [t for t in bundled_languages() if tag.startswith(t)]
    catalogue = yaml.safe_load((Path(__file__).parent.parent / "timeline" / "catalogues"
                                / f"{max(names, key=len)}.yaml").read_text("utf-8"))
    counted = 0
    for page in sorted((site / "tags").glob("*.html")):
        html = page.read_text("utf-8")
        n = len(re.findall(r'<li><time datetime=', html))
        forms = catalogue["group.counts"]
        want = forms.get(locale.plural_form(n), forms["other"]).replace(
            "{count}", format_decimal(n, locale=locale, numbering_system="default"))
        shown = re.search(r'<p class="counts">(.*?)</p>', html)[1]
        assert shown == want, (page.name, n, shown, want)
        counted += 1
    assert counted >= 3


def test_the_live_previews_panel_speaks_the_sites_language(tmp_path):
    """The errors of a build stay English; the panel that shows them is in
    the site's language, its words sent with the errors."""
    from serve_support import Served, copy_project, write_by_rename
    project = copy_project(tmp_path / "project")
    set_language(project, "ru")
    entry = project / "content" / "2022-01-07-shoot-to-kill-order.md"
    good = entry.read_text("utf-8")
    with Served(project) as served:
        build_no = served.wait_build(after=0)["build"]
        write_by_rename(entry, good.replace("title: ", "titel: ", 1))
        news = served.wait_build(after=build_no)
        assert news["errors"] and all(": error: " in e and e.isascii() for e in news["errors"]), news
        assert news["strings"]["live.dismiss"] == "Закрыть"
        assert set(news["strings"]["live.failed"]) == {"one", "few", "many", "other"}



def test_a_partial_catalogue_of_a_language_not_bundled_warns_of_what_it_lacks(tmp_path):
    project = copy_fixture(tmp_path / "p")
    set_language(project, "eu")
    (project / "i18n").mkdir()
    (project / "i18n" / "eu.yaml").write_text("nav.timeline: Kronologia\nnav.sources: Iturriak\n", "utf-8")
    out = tmp_path / "site"
    result = build(rel(project), out, "--no-cache")
    assert result.returncode == 0, result.stderr
    lacking = [p for p in problems(result.stderr) if "no translation" in p[3]]
    assert [p[:3] for p in lacking] == [(rel(project / "i18n" / "eu.yaml"), 1, "warning")], result.stderr
    assert lacking[0][3].startswith(f"{len(catalogue_keys()) - 2} of the site's strings")
    home = (out / "index.html").read_text("utf-8")
    assert ">Kronologia</a>" in home and '<span lang="en">Search entries</span>' in home


@pytest.mark.parametrize("tag", ["de", "ar"])
def test_a_body_edit_takes_the_quick_way_in_any_language_and_gives_the_same_site(tmp_path, tag):
    from helpers import snapshot
    project = copy_fixture(tmp_path / "p")
    set_language(project, tag)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(project, out, "--cache", cache).returncode == 0
    entry = project / "content" / "2021" / "2021-03-26-vote.md"
    entry.write_text(entry.read_text("utf-8") + "\nA sentence added later.\n", "utf-8")
    again = build(project, out, "--cache", cache)
    assert again.returncode == 0, again.stderr
    assert "quick rebuild" in again.stdout + again.stderr
    assert build(project, tmp_path / "fresh", "--no-cache").returncode == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_the_exports_carry_the_bodys_own_words_in_the_language(built):
    """timelinejs.json, entries.csv, timeline.ics and the pages' JSON-LD:
    a table's label and a remote picture's words in the site's language,
    no marker of them left, and a TimelineJS slide's own words too."""
    site = built("basic", "de")
    for name in ("timelinejs.json", "timelinejs.js", "entries.csv", "timeline.ics", "entries/2021-04-02-cafe.html"):
        text = (site / name).read_text("utf-8")
        assert "\x00" not in text and "\\u0000" not in text, name
    slides = json.loads((site / "timelinejs.json").read_text("utf-8"))["events"]
    vote = next(s for s in slides if s["unique_id"] == "2021-03-26-vote")["text"]["text"]
    assert 'aria-label="Tabelle"' in vote
    assert "Mira Holm, laut <a " in vote and "Der Eintrag und seine Quellen</a> · Quellen: <a " in vote
    assert "as reported by" not in vote and "Sources:" not in vote
    cafe = next(s for s in slides if s["unique_id"] == "2021-04-02-cafe")["text"]["text"]
    assert "[Bild: a photo of the ferry]" in cafe, cafe
    sheet = (site / "entries.csv").read_text("utf-8")
    assert 'aria-label=""Tabelle""' in sheet and "[Bild: a photo of the ferry]" in sheet
    page = (site / "entries/2021-04-02-cafe.html").read_text("utf-8")
    assert "[Bild: a photo of the ferry]" in re.search(r'<meta name="description" content="([^"]*)"', page)[1]


@pytest.mark.parametrize("tag, written", [("en", "en"), ("en-US", "en_US"), ("pt-BR", "pt_BR"),
                                          ("zh-Hans", "zh"), ("zh-Hant", "zh"), ("ar", "ar")])
def test_og_locale_is_written_as_opengraph_writes_a_locale(tag, written, tmp_path):
    from timeline.errors import Problems
    from timeline.read.i18n import load_language
    problems = Problems()
    lang = load_language(tag, 1, "content/_index.md", tmp_path, ".", problems)
    assert lang.og_locale == written
