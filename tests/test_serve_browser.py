"""`build.py serve` (issue 14) in Chromium: an open page shows a save
without being reloaded, an unchanged page is left alone, a stylesheet is
swapped in place, errors show over the page and clear, a hidden tab lets
go and catches up when shown, the error page turns into the site."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browser_support import collect_console_errors, format_violations, run_axe
from serve_support import DRAFT_PAGE, EMBARGOED, Served, copy_project, with_draft, write_by_rename, write_in_place

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


ELSEWHERE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Another origin</title>
<script src="own.js"></script>
<script>window.outcome = {};</script>
<script src="{preview}search-index.js" onload="outcome.index = 'loaded'" onerror="outcome.index = 'refused'"></script>
<link rel="stylesheet" href="{preview}static/style.css" onload="outcome.style = 'loaded'"
      onerror="outcome.style = 'refused'">
</head><body><h1>Another origin</h1>
<script>
(async function () {
  try {
    const response = await fetch("{preview}{draft}");
    outcome.cors = await response.text();
  } catch (e) { outcome.cors = "refused"; }
  try {
    const response = await fetch("{preview}timeline.json", {mode: "no-cors"});
    outcome.opaque = "answered " + response.type;
  } catch (e) { outcome.opaque = "refused"; }
  await new Promise(function (done) {
    const stream = new EventSource("{preview}__live/events?build=0");
    stream.onmessage = function (event) { outcome.stream = event.data; stream.close(); done(); };
    stream.onerror = function () { outcome.stream = outcome.stream || "refused"; stream.close(); done(); };
  });
  outcome.done = true;
})();
</script></body></html>
"""


@pytest.fixture
def elsewhere(tmp_path: Path):
    """start(preview_url) -> the address of a page on another origin (a
    second server, another port of 127.0.0.1) that tries to read the preview."""
    servers = []

    def start(preview: str) -> str:
        folder = tmp_path / "elsewhere"
        folder.mkdir()
        (folder / "own.js").write_text("window.ownScript = true;\n")
        (folder / "index.html").write_text(ELSEWHERE.replace("{preview}", preview).replace("{draft}", DRAFT_PAGE[1:]))
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:   # noqa: A002 - http.server's name
        pass


def test_a_page_of_another_origin_reads_nothing_of_the_preview(browser, tmp_path, elsewhere):
    """A page on another port of this machine includes the search index as
    a script, fetches a draft, opens the event stream: all refused, while
    the preview's own pages read the same files."""
    project = with_draft(copy_project(tmp_path / "project"))
    with Served(project, "--drafts") as served:
        served.wait_build(after=0)
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(elsewhere(served.url), wait_until="load")
            page.wait_for_function("() => window.outcome && window.outcome.done === true", timeout=30_000)
            outcome = page.evaluate("() => window.outcome")
            assert page.evaluate("() => window.ownScript") is True, "the page's own script runs"
            assert outcome["index"] == "refused", outcome
            assert page.evaluate("() => typeof window.TIMELINE_SEARCH") == "undefined"
            assert outcome["style"] == "refused", outcome
            assert outcome["cors"] == "refused" and outcome["opaque"] == "refused", outcome
            assert outcome["stream"] == "refused", outcome
            assert EMBARGOED not in page.content()
            # The same files, read by the preview's own page.
            own = context.new_page()
            own.goto(served.url, wait_until="load")
            own.evaluate("""() => {
                const load = src => new Promise(function (done, fail) {
                    const script = document.createElement("script");
                    script.src = src; script.onload = done; script.onerror = fail;
                    document.head.append(script);
                });
                // The head, then the search's files of results, where the titles are.
                return load("/search-index.js").then(() => {
                    const head = window.TIMELINE_SEARCH, files = [];
                    for (let k = 0; k * head.chunk < head.count; k++) { files.push(load("/search/e" + k + ".js")); }
                    return Promise.all(files);
                });
            }""")
            assert EMBARGOED in own.evaluate("() => JSON.stringify(window.TIMELINE_SEARCH)")
            assert EMBARGOED in own.evaluate(f"() => fetch('{DRAFT_PAGE}').then(r => r.text())")
        finally:
            context.close()
    assert served.returncode == 0
