"""The browser and HTML-checking harness works: Chromium, axe-core, themes,
JavaScript off, console errors, and the Nu HTML checker, on tiny pages
written here (no dependency on build.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import file_url, format_violations, run_axe, vnu_check

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ color: #111; background: #fff; font: 16px/1.5 sans-serif; }}
a {{ color: #0645ad; }}
@media (prefers-color-scheme: dark) {{ body {{ color: #eee; background: #111; }} a {{ color: #8ab4f8; }} }}
</style>
</head>
"""

VALID = HEAD.format(title="Valid page").replace("</head>", '<link rel="stylesheet" href="valid.css">\n</head>') + """<body>
<header><a href="#main">Skip to content</a></header>
<main id="main">
<h1>A valid page</h1>
<p id="js-state">JavaScript did not run.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot" width="1" height="1">
</main>
<script>document.getElementById("js-state").textContent = "JavaScript ran.";</script>
</body>
</html>
"""

# An image without alt: an axe violation (image-alt) and a Nu checker error.
# The <p><div> nesting is a second Nu checker error, on line 16 (the img: 17).
INVALID = HEAD.format(title="Invalid page") + """<body>
<main>
<h1>An invalid page</h1>
<p><div>Block inside a paragraph</div></p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">
</main>
<script>console.error("deliberate console error");</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("smoke pages")  # a space, to prove URLs are encoded
    paths = {}
    # A linked stylesheet: axe must not try to fetch it (file:// forbids it).
    (folder / "valid.css").write_text("h1 { font-size: 2rem; }\n", encoding="utf-8")
    for name, text in {"valid": VALID, "invalid": INVALID}.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_axe_finds_missing_alt_and_console_error(open_page, pages):
    page, errors, external = open_page(file_url(pages["invalid"]))
    violations = run_axe(page)
    assert "image-alt" in {v["id"] for v in violations}, format_violations(violations)
    assert any("deliberate console error" in e for e in errors), errors
    assert external == []


def test_valid_page_is_clean_in_both_themes(open_page, pages, color_scheme):
    scheme = color_scheme
    page, errors, external = open_page(file_url(pages["valid"]), color_scheme=scheme)
    dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(17, 17, 17)" if scheme == "dark" else "rgb(255, 255, 255)")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert errors == []  # axe included
    assert page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontSize") == "32px"
    assert page.text_content("#js-state") == "JavaScript ran."


def test_javascript_off_runs_no_script(open_page, pages):
    page, errors, _ = open_page(file_url(pages["invalid"]), javascript=False)
    assert page.text_content("h1") == "An invalid page"
    assert errors == []  # the console.error script never ran
    page, _, _ = open_page(file_url(pages["valid"]), javascript=False)
    assert page.text_content("#js-state") == "JavaScript did not run."
    with pytest.raises(RuntimeError, match="scripts do not run"):
        run_axe(page)


def test_requests_to_other_hosts_are_blocked_and_recorded(open_page, tmp_path):
    page_path = tmp_path / "external.html"
    page_path.write_text(HEAD.format(title="External") + """<body><main><h1>x</h1>
<img src="https://example.com/pixel.png" alt="pixel"></main></body></html>
""", encoding="utf-8")
    page, errors, external = open_page(file_url(page_path))
    assert external == ["https://example.com/pixel.png"]
    assert errors  # the blocked load is reported as a console error


def test_vnu_reports_errors_with_file_and_line(pages, tmp_path):
    # One call, as for a site: a folder (its .html and .css files) and a CSS file.
    css = tmp_path / "bad.css"
    css.write_text("p {\n  colr: red;\n}\n", encoding="utf-8")
    root = pages["valid"].parent
    errors = vnu_check([root, css], root=root)
    by_file: dict[str, list[str]] = {}
    for e in errors:
        by_file.setdefault(e.split(":", 1)[0], []).append(e)
    assert set(by_file) == {"invalid.html", str(css)}, errors  # nothing in valid.html
    invalid = by_file["invalid.html"]
    assert any(e.startswith("invalid.html:16:") and "“p”" in e for e in invalid), errors
    assert any(e.startswith("invalid.html:17:") and "alt" in e for e in invalid), errors
    [css_error] = by_file[str(css)]
    assert css_error.startswith(f"{css}:2:") and "colr" in css_error, errors
