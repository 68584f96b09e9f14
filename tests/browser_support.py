"""Helpers for the tests that look at pages in a real browser and check HTML.

- Chromium is Debian's /usr/bin/chromium, driven by Playwright for Python
  (never `playwright install`: it downloads a browser).
- axe-core and the Nu HTML checker (vnu.jar) come from tests/node
  (`npm ci --prefix tests/node`); vnu.jar needs Java 17+.

When a tool is missing the test is skipped with the reason, except in CI
(CI=true), where a missing tool is a failure: CI must run every test.

Keep it fast: one Chromium per test session (the `browser` fixture in
conftest.py), one cheap browser context per page, and one vnu run (one JVM)
over all the files of a site rather than one per file.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path
from typing import Iterable, NamedTuple

import pytest

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "tests" / "node" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

NPM_HINT = "run `npm ci --prefix tests/node` (or .ci/run)"


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> None:
    """Skip the test because a tool is missing; in CI (CI=true) fail instead."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: missing test tools are failures, not skips)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- Chromium

def launch_chromium():
    """(playwright, browser): Chromium started through Playwright, or skip/fail.

    The caller stops both: browser.close(); playwright.stop()."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the machine
        skip_or_fail(f"Playwright for Python is not installed ({exc}); pip install -r requirements-dev.txt")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"{CHROMIUM} is missing: apt-get install chromium")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000,
        )
    except PlaywrightError as exc:
        playwright.stop()
        skip_or_fail(f"Chromium ({CHROMIUM}) did not start: {str(exc).splitlines()[0]}")
    return playwright, browser


def chromium_or_skip():
    """Generator for a session fixture: yields a launched Browser, then closes it."""
    playwright, browser = launch_chromium()
    try:
        yield browser
    finally:
        try:
            browser.close()
        finally:
            playwright.stop()


def file_url(path: Path | str, fragment: str = "") -> str:
    """The file:// URL of a local file (percent-encoded), with an optional #fragment."""
    url = Path(path).resolve().as_uri()
    return f"{url}#{fragment}" if fragment else url


def collect_console_errors(page) -> list[str]:
    """Start recording the page's console errors and uncaught exceptions.

    Returns a list that fills as they happen. Chromium also reports a resource
    that fails to load (a missing file, a blocked request) as a console error."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
            errors.append(f"console.error: {msg.text}{where}")

    def on_pageerror(exc) -> None:
        errors.append(f"pageerror: {exc}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    return errors


class OpenedPage(NamedTuple):
    page: object                 # playwright.sync_api.Page
    console_errors: list[str]    # console.error messages and uncaught exceptions
    external_requests: list[str]  # requests to any other scheme than file:, data:, blob:, about: (aborted)


LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def new_page(browser, *, color_scheme: str = "light", javascript: bool = True,
             width: int = 1280, height: int = 900, allow: tuple[str, ...] = (), **context_options):
    """A page in a fresh browser context (its own storage, scheme, JS setting).

    Requests leaving the machine (http, https, ws...) are aborted and recorded:
    the site must load nothing from another host. `allow` lists URL prefixes
    that may load anyway (a local test server: "http://127.0.0.1:8000/").
    Other keyword arguments go to browser.new_context. Close it with page.context.close()
    (the `open_page` fixture does that for you)."""
    context = browser.new_context(
        color_scheme=color_scheme,
        java_script_enabled=javascript,
        viewport={"width": width, "height": height},
        **context_options,
    )
    context.set_default_timeout(15_000)
    external: list[str] = []

    def block(route) -> None:
        external.append(route.request.url)
        route.abort()

    permitted = LOCAL_SCHEMES + tuple(allow)
    context.route(lambda url: not url.startswith(permitted), block)
    page = context.new_page()
    errors = collect_console_errors(page)
    return OpenedPage(page, errors, external)


def open_page(browser, url: str, **options) -> OpenedPage:
    """new_page(...) and go to `url` (a file:// URL; see file_url), waiting for load."""
    opened = new_page(browser, **options)
    try:
        opened.page.goto(url, wait_until="load")
    except BaseException:
        opened.page.context.close()
        raise
    return opened


# ---------------------------------------------------------------- axe-core

@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_available() -> bool:
    return AXE_JS.is_file()


def run_axe(page, *, tags: Iterable[str] = AXE_TAGS, context: str | dict | None = None) -> list[dict]:
    """axe-core's violations on the page (WCAG 2.0/2.1/2.2 A and AA by default).

    Each violation is axe's dict: id, impact, help, helpUrl, nodes (html,
    target, failureSummary). axe is injected as an inline script, which works
    under file://. It needs JavaScript: a context opened with javascript=False
    raises RuntimeError (axe's timers never run there). axe leaves the page's
    console alone (no CSSOM preload; css-orientation-lock is not checked). `context` narrows the
    check to part of the page (a CSS selector or axe's include/exclude dict)."""
    if not axe_available():
        skip_or_fail(f"axe-core is not installed ({AXE_JS} missing): {NPM_HINT}")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
        if not page.evaluate("() => typeof window.axe === 'object'"):
            raise RuntimeError(
                "axe-core did not load: the page's scripts do not run (a context with "
                "javascript=False, or a Content-Security-Policy forbidding inline scripts)")
    options = {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations"],
        # No preloading of the CSSOM: axe would fetch each stylesheet with
        # XMLHttpRequest, which file:// forbids (a console error on the page).
        # Only css-orientation-lock needs it; it is then left unchecked.
        "preload": False,
    }
    return page.evaluate(
        "async ([ctx, options]) => (await axe.run(ctx === null ? document : ctx, options)).violations",
        [context, options],
    )


def format_violations(violations: list[dict], where: str = "") -> str:
    """A readable summary of axe violations, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{where}{v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v.get("nodes", [])[:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {', '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:200]}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v.get("nodes", [])) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# ---------------------------------------------------------------- Nu HTML checker

def java_executable() -> str | None:
    return shutil.which("java")


def _vnu_or_skip() -> str:
    java = java_executable()
    if java is None:
        skip_or_fail("java is missing (the Nu HTML checker needs Java 17+): apt-get install default-jre-headless")
    if not VNU_JAR.is_file():
        skip_or_fail(f"the Nu HTML checker is not installed ({VNU_JAR} missing): {NPM_HINT}")
    return java


def _expand(paths: Iterable[Path | str], suffixes: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
        else:
            files.append(path)
    return files


def _chunks(files: list[Path], limit: int = 200_000) -> Iterable[list[Path]]:
    """Split a long list of files so one command line stays well under ARG_MAX."""
    chunk: list[Path] = []
    size = 0
    for f in files:
        n = len(str(f)) + 1
        if chunk and size + n > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(f)
        size += n
    if chunk:
        yield chunk


# A big thread stack (vnu's schema checking recurses deeply), and the JVM tuned
# for a short run: C1 only and the serial collector halve the time (measured:
# 1 s instead of 3.5 s for three pages, 5.5 s instead of 10.7 s for 2,280).
VNU_JAVA_OPTIONS = ["-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def _vnu_command(java: str, mode: list[str], files: list[Path]) -> list[str]:
    return [java, *VNU_JAVA_OPTIONS, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
            "--no-langdetect", *mode, *map(str, files)]


def _url_to_path(url: str) -> str:
    if url.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    return url


def _vnu_messages(proc: subprocess.CompletedProcess, root: Path | None) -> list[str]:
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"vnu.jar failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    out = []
    for msg in report.get("messages", []):
        if msg.get("type") not in ("error", "non-document-error"):
            continue
        path = _url_to_path(msg.get("url", "?"))
        if root is not None:
            try:
                path = Path(path).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                pass
        line = msg.get("lastLine", msg.get("firstLine", 0))
        col = msg.get("firstColumn", msg.get("lastColumn", 0))
        out.append(f"{path}:{line}:{col}: {msg.get('message', '').strip()}")
    return out


def vnu_check(paths: Iterable[Path | str], *, root: Path | str | None = None) -> list[str]:
    """Errors the Nu HTML checker finds, as "PATH:LINE:COLUMN: MESSAGE".

    `paths` are HTML files, CSS files and folders (a folder means every .html,
    .htm and .css file below it). HTML files are checked in one run (one JVM),
    their inline <style> and style="" CSS included; CSS files, if any, in a
    second run that starts at the same time. (vnu's --also-check-css would
    need only one run but shifts HTML line numbers by one, so it is not used.)
    PATH is relative to `root` when given. An empty list means valid."""
    java = _vnu_or_skip()
    root_path = Path(root) if root is not None else None
    paths = list(paths)
    files = _expand(paths, (".html", ".htm", ".css"))
    if not files:
        raise ValueError(f"vnu_check: no HTML or CSS file in {[str(p) for p in paths]}")
    css = [f for f in files if f.suffix.lower() == ".css"]
    html = [f for f in files if f.suffix.lower() != ".css"]
    jobs = [_vnu_command(java, ["--html"], chunk) for chunk in _chunks(html)]
    jobs += [_vnu_command(java, ["--css"], chunk) for chunk in _chunks(css)]
    running = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                text=True, encoding="utf-8") for cmd in jobs]
    messages: list[str] = []
    for cmd, proc in zip(jobs, running):
        stdout, stderr = proc.communicate(timeout=600)
        messages += _vnu_messages(subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr), root_path)
    return messages
