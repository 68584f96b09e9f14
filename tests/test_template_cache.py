"""Compiled templates kept on disk between builds (speedups/jinja.py's
CompiledTemplates, in the user's cache folder): the site comes out the same
whether they are compiled, loaded, stale or corrupt."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import REPO, copy_fixture, run_build, snapshot


def build_with(project: Path, out: Path, home: Path, *extra: str):
    result = run_build("build", "--content", project / "content", "--seeds", project / "seeds", "--out", out,
                       "--cache", project / ".cache", *extra, cwd=project, env={"XDG_CACHE_HOME": str(home)})
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    return result


def kept(home: Path) -> dict[str, bytes]:
    folder = home / "sourced-timeline" / "templates"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def test_kept_templates_give_the_same_site_and_are_reused(tmp_path):
    project = copy_fixture(tmp_path / "project")
    home = tmp_path / "home"
    build_with(project, tmp_path / "plain", home, "--no-cache")
    assert kept(home) == {}, "--no-cache keeps nothing"
    build_with(project, tmp_path / "first", home)
    first = kept(home)
    # entry.html, its base, its macros, and every page's template
    assert len(first) >= len(list((REPO / "templates").glob("*.html"))), sorted(first)
    shutil.rmtree(project / ".cache")
    stamps = {p: p.stat().st_mtime_ns for p in (home / "sourced-timeline" / "templates").iterdir()}
    build_with(project, tmp_path / "second", home)
    # read, not written again
    assert {p: p.stat().st_mtime_ns for p in (home / "sourced-timeline" / "templates").iterdir()} == stamps
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "plain") == snapshot(tmp_path / "second")


def test_corrupt_or_truncated_kept_templates_are_compiled_again(tmp_path):
    project = copy_fixture(tmp_path / "project")
    home = tmp_path / "home"
    build_with(project, tmp_path / "first", home)
    folder = home / "sourced-timeline" / "templates"
    changed = 0
    for i, path in enumerate(sorted(folder.iterdir())):
        data = path.read_bytes()
        if b"site-footer" in data:
            # A string of the compiled code changed, the file still well-formed
            # for marshal: would change every page, were it loaded.
            path.write_bytes(data.replace(b"site-footer", b"site-fooTer"))
        else:   # garbage, or a file cut short
            path.write_bytes(b"\x00garbage" if i % 2 else data[: len(data) // 2])
        changed += 1
    assert changed > 3
    shutil.rmtree(project / ".cache")
    build_with(project, tmp_path / "second", home)
    assert snapshot(tmp_path / "second") == snapshot(tmp_path / "first")


def test_a_changed_template_is_compiled_again(tmp_path):
    project = copy_fixture(tmp_path / "project")
    home = tmp_path / "home"
    templates = project / "templates"
    shutil.copytree(REPO / "templates", templates)
    build_with(project, tmp_path / "first", home, "--templates", templates)
    base = templates / "base.html"
    base.write_text(base.read_text("utf-8").replace('<footer class="site-footer">', '<footer class="site-footer" data-x="changed">'), "utf-8")
    shutil.rmtree(project / ".cache")
    build_with(project, tmp_path / "second", home, "--templates", templates)
    page = (tmp_path / "second" / "index.html").read_text("utf-8")
    assert 'data-x="changed"' in page
    assert 'data-x="changed"' not in (tmp_path / "first" / "index.html").read_text("utf-8")
