"""The site's language (contract, section 7): the tag checked against
CLDR, the catalogues, and dates, numbers and plural forms as CLDR gives
them, on real builds of the fixture timelines."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from helpers import build, copy_fixture, problems, rel

from timeline.i18n import bundled_languages, catalogue_keys, english_catalogue, parse_tag, LanguageError


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
            want = format_date(__import__("datetime").date(y, m, d), "full", locale=locale)
            assert want in shown[2], (shown[2], want)
            checked += 1
            continue
        assert shown[2] == want, (entry["slug"], shown[2], want)
        checked += 1
    assert checked >= 5
