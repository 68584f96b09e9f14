"""A project's own static/ may hold only what it changes: the bundled files
fill in the rest (search goes on working), and a static/extra.css is linked
from every page after the bundled style sheet."""

from __future__ import annotations

from helpers import REPO, build, copy_fixture, snapshot


def test_a_partial_static_folder_keeps_the_bundled_files(tmp_path):
    project = copy_fixture(tmp_path / "p")
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: black; }\n", encoding="utf-8")
    result = build(project, tmp_path / "site", "--no-cache", "--static", static)
    assert result.returncode == 0, result.stderr
    site = snapshot(tmp_path / "site")
    assert site["static/style.css"] == b"body { color: black; }\n"
    assert site["static/search.js"] == (REPO / "static" / "search.js").read_bytes()
    assert b"extra.css" not in site["index.html"]


def test_an_extra_css_is_linked_from_every_page(tmp_path):
    project = copy_fixture(tmp_path / "p")
    static = tmp_path / "static"
    static.mkdir()
    (static / "extra.css").write_text(".entry { border: 0; }\n", encoding="utf-8")
    cache = tmp_path / "cache"
    result = build(project, tmp_path / "site", "--cache", cache, "--static", static)
    assert result.returncode == 0, result.stderr
    site = snapshot(tmp_path / "site")
    assert site["static/style.css"] == (REPO / "static" / "style.css").read_bytes()
    pages = [p for p in site if p.endswith(".html") and p != "404.html"]
    for path in pages:
        root = "../" * path.count("/")
        html = site[path].decode("utf-8")
        assert html.index(f'href="{root}static/style.css"') < html.index(f'href="{root}static/extra.css"'), path
    # taken away again: no page links it, on a cached build too
    (static / "extra.css").unlink()
    (static / "other.txt").write_text("x\n", encoding="utf-8")
    result = build(project, tmp_path / "site", "--cache", cache, "--static", static)
    assert result.returncode == 0, result.stderr
    site = snapshot(tmp_path / "site")
    assert "static/extra.css" not in site and not any(b"extra.css" in site[p] for p in pages)
