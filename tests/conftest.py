"""Fixtures shared by all tests.

- `browser`: one headless Chromium for the whole session (see browser_support).
- `open_page`: open a URL in a fresh context (light/dark, JS on/off, width);
  the contexts are closed after the test. `color_scheme`: light, then dark.
- `build_site(content_dir, seeds_dir, out_dir, *args)`: run build.py; both a
  plain function (`from conftest import build_site`) and a fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from browser_support import chromium_or_skip, open_page as _open_page

REPO = Path(__file__).resolve().parent.parent


def build_site(content_dir: Path | str, seeds_dir: Path | str, out_dir: Path | str, *args: str | os.PathLike,
               timeout: float = 600) -> subprocess.CompletedProcess:
    """`python build.py build --content C --seeds S --out O ARGS...` from the repository root.

    Runs with the interpreter running the tests; returns the CompletedProcess
    (returncode, stdout, stderr as text). Relative paths are relative to the
    repository root. Extra args may be options (`--drafts`, `--templates DIR`...)."""
    cmd = [sys.executable, "build.py", "build",
           "--content", os.fspath(content_dir), "--seeds", os.fspath(seeds_dir), "--out", os.fspath(out_dir),
           *map(os.fspath, args)]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, encoding="utf-8",
                          stdin=subprocess.DEVNULL, timeout=timeout)


@pytest.fixture(name="build_site")
def build_site_fixture():
    """The build_site function, as a fixture."""
    return build_site


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (playwright Browser) for the whole test session.

    Skips the test when Chromium or Playwright is missing; fails instead in CI."""
    yield from chromium_or_skip()


@pytest.fixture(params=["light", "dark"])
def color_scheme(request) -> str:
    """Runs the test once in each theme: open_page(url, color_scheme=color_scheme)."""
    return request.param


@pytest.fixture
def open_page(browser):
    """open_page(url, color_scheme="light"|"dark", javascript=True, width=1280, height=900, allow=())
    -> OpenedPage(page, console_errors, external_requests).

    Each call gets its own browser context; all are closed after the test."""
    opened = []

    def _open(url: str, **options):
        result = _open_page(browser, url, **options)
        opened.append(result)
        return result

    yield _open
    for result in opened:
        result.page.context.close()
