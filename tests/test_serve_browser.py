"""`build.py serve` (issue 14) in Chromium: an open page shows a save
without being reloaded, an unchanged page is left alone, a stylesheet is
swapped in place, errors show over the page and clear, a hidden tab lets
go and catches up when shown, the error page turns into the site."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import collect_console_errors, format_violations, run_axe
from serve_support import Served, copy_project, write_by_rename, write_in_place

ENTRY = "content/2022-01-07-shoot-to-kill-order.md"
PAGE = "entries/2022-01-07-shoot-to-kill-order.html"
FAR_PAGE = "entries/2022-01-02-gas-price-cut.html"     # neither neighbour nor listed beside it on another page


@pytest.fixture
def served(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    with Served(project) as served:
        served.wait_build(after=0)
        yield served
    assert served.returncode == 0


@pytest.fixture
def opened(browser, served):
    """open(path) -> (page, navigations, page_requests): a page of the
    served site, with a mark that a reload would lose, the navigations
    after the first load and the requests for the page's own address."""
    contexts = []

    def _open(path: str):
        page, errors = served_page(browser, served)
        contexts.append(page.context)
        page.goto(served.url + path.lstrip("/"), wait_until="load")
        page.wait_for_function("() => document.querySelector('script[data-build]') !== null")
        page.evaluate("() => { window.notReloaded = true; }")
        navigations: list[str] = []
        own: list[str] = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
        page.on("request", lambda request: own.append(request.url) if request.url.split("?")[0] == page.url else None)
        return page, navigations, own, errors

    yield _open
    for context in contexts:
        context.close()
    assert served.elsewhere == [], "nothing is loaded from another address"


def served_page(browser, served: Served):
    """A page in a context of its own, its console errors recorded, and
    any request to another address than the server's recorded on `served`.
    The requests are watched, not routed: Playwright's routing holds up a
    stylesheet loaded again under the same address."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    served.elsewhere = []
    context.on("request", lambda request: None if request.url.startswith(served.url)
               else served.elsewhere.append(request.url))
    page = context.new_page()
    return page, collect_console_errors(page)


def edit_body(served: Served, text: str) -> None:
    path = served.project / ENTRY
    body = path.read_text(encoding="utf-8")
    write_by_rename(path, body.replace("\n---\n", f"\n---\n{text}\n\n", 1))


def test_an_open_page_shows_a_body_edit_without_being_reloaded(served, opened):
    page, navigations, _, errors = opened("/" + PAGE)
    page.evaluate("() => window.scrollTo(0, 200)")
    edit_body(served, "A sentence added while the page was open.")
    page.wait_for_function("() => document.querySelector('main').innerText.includes('while the page was open')")
    assert page.evaluate("() => window.notReloaded") is True
    assert navigations == []
    # Served over HTTP, Chromium asks for /favicon.ico, which the site does not have.
    assert [e for e in errors if "favicon.ico" not in e] == []


def test_a_title_edit_shows_on_the_open_home_page(served, opened):
    page, navigations, _, _ = opened("/")
    path = served.project / ENTRY
    write_by_rename(path, path.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1))
    page.wait_for_function("() => document.querySelector('main').innerText.includes('Retitled')")
    assert page.evaluate("() => window.notReloaded") is True and navigations == []


def test_an_unchanged_page_is_not_reloaded_or_fetched(served, opened):
    changed, _, _, _ = opened("/" + PAGE)
    other, navigations, own, _ = opened("/" + FAR_PAGE)
    edit_body(served, "Only the edited entry's page changes.")
    changed.wait_for_function("() => document.querySelector('main').innerText.includes('page changes')")
    other.wait_for_timeout(500)
    assert own == [] and navigations == []
    assert other.evaluate("() => window.notReloaded") is True


def test_a_stylesheet_edit_is_swapped_in_without_a_reload(served, opened):
    page, navigations, own, _ = opened("/" + PAGE)
    css = served.project / "static/style.css"
    write_in_place(css, css.read_text(encoding="utf-8") + "\n:root { --live-test: 42px; }\n")
    page.wait_for_function(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--live-test').trim() === '42px'")
    assert page.evaluate("() => window.notReloaded") is True
    assert navigations == [] and own == []
    assert page.evaluate("() => document.querySelectorAll('link[rel~=stylesheet][href*=\"style.css\"]').length") == 1


def test_an_error_shows_over_the_page_and_clears(served, opened):
    page, _, _, _ = opened("/" + PAGE)
    path = served.project / ENTRY
    good = path.read_text(encoding="utf-8")
    write_by_rename(path, good.replace("date: ", "date: 2022-02-30\nwas: ", 1))
    box = page.locator("#live-errors")
    box.wait_for(state="visible")
    assert box.get_attribute("role") == "alert"
    text = box.inner_text()
    assert "content/2022-01-07-shoot-to-kill-order.md:3: error:" in text and "February" in text
    assert page.locator("main").inner_text().count("while") == page.locator("main").inner_text().count("while")
    violations = run_axe(page, context="#live-errors")
    assert violations == [], format_violations(violations, "the error panel")
    box.get_by_role("button", name="Dismiss").click()
    box.wait_for(state="detached")
    # The same errors again stay dismissed; new ones show.
    write_by_rename(path, good.replace("date: ", "date: 2022-02-31\nwas: ", 1))
    box.wait_for(state="visible")
    page.keyboard.press("Escape")
    box.wait_for(state="detached")
    write_by_rename(path, good.replace("date: ", "date: 2022-04-31\n", 1))
    box.wait_for(state="visible")
    write_by_rename(path, good)
    box.wait_for(state="detached")
    assert page.evaluate("() => window.notReloaded") is True


def test_a_hidden_tab_lets_go_and_catches_up_when_shown(served, opened):
    page, _, _, _ = opened("/" + PAGE)
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    before = served.news(0)["build"]
    edit_body(served, "Saved while the tab was hidden.")
    served.wait_build(after=before)
    page.wait_for_timeout(500)
    assert "while the tab was hidden" not in page.locator("main").inner_text()
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    page.wait_for_function("() => document.querySelector('main').innerText.includes('while the tab was hidden')")


def test_the_error_page_turns_into_the_site(browser, tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / ENTRY
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: ", "titel: ", 1), encoding="utf-8")
    with Served(project) as served:
        served.wait_build(after=0)
        page, _ = served_page(browser, served)
        try:
            page.goto(served.url + PAGE)
            assert "not built yet" in page.locator("h1").inner_text()
            assert 'unknown key "titel"' in page.locator("main").inner_text()
            write_by_rename(path, good)
            page.wait_for_function("() => !document.body.innerText.includes('not built yet')")
            page.wait_for_load_state("load")
            assert "shoot to kill" in page.locator("h1").inner_text().lower()
        finally:
            page.context.close()
