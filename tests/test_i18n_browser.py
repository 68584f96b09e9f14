"""The fixture timelines built in other languages, in Chromium and the Nu
HTML checker (contract, section 7): axe-core finds nothing in a
left-to-right and a right-to-left language, an Arabic page mirrors and
nothing overflows at 390 and 1,280 px, every page of every bundled
language is valid HTML, and the search speaks the page's language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from browser_support import file_url, format_violations, new_page, run_axe, vnu_check
from conftest import build_site
from timeline.read.i18n import bundled_languages

FIXTURES = Path(__file__).parent / "fixtures"
_SITES: dict[tuple[str, str], Path] = {}


def site(tmp_path_factory, name: str, tag: str) -> Path:
    if (name, tag) not in _SITES:
        project = tmp_path_factory.mktemp(f"{name}-{tag}")
        shutil.copytree(FIXTURES / name, project, dirs_exist_ok=True)
        index = project / "content" / "_index.md"
        index.write_text(index.read_text("utf-8").replace("---\n", f"---\nlanguage: {tag}\n", 1), "utf-8")
        out = project / "site"
        result = build_site(project / "content", project / "seeds", out, "--no-cache",
                            *(["--drafts"] if name == "tracks" else []))
        assert result.returncode == 0, result.stderr
        _SITES[name, tag] = out
    return _SITES[name, tag]


PAGES = ["index.html", "entries/2021-03-26-vote.html", "entries/2021-03-28-mayor.html", "sources/index.html",
         "sources/gazette.html", "figures.html", "404.html"]


@pytest.mark.parametrize("tag", ["ar", "de", "he"])
def test_axe_finds_nothing_in_a_left_to_right_and_a_right_to_left_language(browser, tmp_path_factory, tag):
    root = site(tmp_path_factory, "basic", tag)
    report = []
    for rel in PAGES + ["tags/bridge.html"]:
        opened = new_page(browser, width=1280, height=900)
        try:
            opened.page.goto(file_url(root / rel), wait_until="load")
            assert opened.page.evaluate("() => document.documentElement.lang") == tag
            for scheme in ("light", "dark"):
                opened.page.emulate_media(color_scheme=scheme)
                violations = run_axe(opened.page)
                if violations:
                    report.append(format_violations(violations, where=f"{rel} [{scheme}] "))
            report += [f"{rel}: {e}" for e in opened.console_errors]
        finally:
            opened.page.context.close()
    assert report == [], "\n".join(report)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["basic", "tracks"])
def test_arabic_pages_mirror_and_nothing_overflows(browser, tmp_path_factory, name, width):
    root = site(tmp_path_factory, name, "ar")
    opened = new_page(browser, width=width, height=900)
    page = opened.page
    problems = []
    try:
        for path in sorted(root.rglob("*.html")):
            rel = path.relative_to(root).as_posix()
            page.goto(file_url(path), wait_until="load")
            assert page.evaluate("() => document.documentElement.dir") == "rtl", rel
            widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            # In right to left, what overflows goes leftwards: scrollWidth counts it too.
            if widths[0] > widths[1]:
                problems.append(f"{rel}: scrollWidth {widths[0]} > clientWidth {widths[1]}")
            problems += [f"{rel}: {e}" for e in opened.console_errors]
            del opened.console_errors[:]
        page.goto(file_url(root / "index.html"), wait_until="load")
        if page.query_selector(".timeline"):
            # The timeline's line is on the right, where an Arabic reader starts.
            line = page.evaluate("""() => { const t = document.querySelector('.timeline');
                const s = getComputedStyle(t); return [s.borderRightWidth, s.borderLeftWidth]; }""")
            assert line[0] != "0px" and line[1] == "0px", line
    finally:
        page.context.close()
    assert problems == [], "\n".join(problems)


def test_the_search_speaks_the_pages_language(browser, tmp_path_factory):
    root = site(tmp_path_factory, "basic", "ru")
    opened = new_page(browser, width=1280, height=900)
    page = opened.page
    try:
        page.goto(file_url(root / "index.html"), wait_until="load")
        page.fill("#q", "bridge")
        page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
        status = page.text_content("#search-status")
        assert re.fullmatch(r"Найден[оа] \d+ запис(ь|и|ей) из \d+\.", status), status
        page.fill("#q", "zzqxj")
        page.wait_for_function("() => document.getElementById('search-status').textContent === 'Ничего не найдено.'")
    finally:
        page.context.close()


def test_every_page_of_every_language_is_valid_html(tmp_path_factory):
    folders = [site(tmp_path_factory, name, tag) for tag in bundled_languages() for name in ("basic", "tracks")]
    errors = vnu_check(folders)
    assert errors == [], "\n".join(errors[:30])


@pytest.mark.parametrize("tag, title, body, query", [
    ("ja", "カザフスタンで抗議デモが全国に拡大", "燃料価格の上限撤廃をきっかけに、抗議は各地に広がった。", "抗議デモ"),
    ("zh-Hans", "哈萨克斯坦抗议活动蔓延全国", "燃料价格上限取消后，抗议迅速扩散。", "价格上限"),
    ("ar", "اِحْتِجَاجَاتٌ في ألماتي", "خرج المحتجون إلى الشوارع.", "احتجاجات"),
])
def test_search_finds_a_word_inside_a_title_in_scripts_without_spaces(browser, tmp_path, tag, title, body, query):
    """Chinese and Japanese write no spaces between words: a word inside a
    title (or a body) is found; Arabic is found without its vowel points."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "basic", project)
    index = project / "content" / "_index.md"
    index.write_text(index.read_text("utf-8").replace("---\n", f"---\nlanguage: {tag}\n", 1), "utf-8")
    entry = project / "content" / "2021" / "2021-03-26-vote.md"
    text = entry.read_text("utf-8")
    text = re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)
    entry.write_text(text.rstrip("\n") + "\n\n" + body + "\n", "utf-8")
    out = tmp_path / "site"
    result = build_site(project / "content", project / "seeds", out, "--no-cache")
    assert result.returncode == 0, result.stderr
    opened = new_page(browser, width=1280, height=900)
    page = opened.page
    try:
        page.goto(file_url(out / "index.html"), wait_until="load")
        for q in (query, body[2:6]):
            page.fill("#q", q)
            page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
            shown = page.eval_on_selector_all("article.entry:not([hidden])", "els => els.map(e => e.id)")
            assert shown == ["2021-03-26-vote"], (q, shown, page.text_content("#search-status"))
        assert opened.console_errors == []
    finally:
        page.context.close()
