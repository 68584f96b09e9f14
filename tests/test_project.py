"""The build as an object: project.Project's build, check and rebuild,
with the reference engine and with the speed-ups. After each kind of edit,
`rebuild(changed)` leaves the output folder byte for byte as a fresh build
of the same folders, and says which files it wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import copy_fixture, snapshot
from timeline.model.assemble import Folders
from timeline.engine import Engine
from timeline.project import BUNDLED_TEMPLATES, Options, Project
from timeline.speedups import FastEngine


def options(project: Path, out: Path, **more) -> Options:
    folders = Folders(project / "content", project / "seeds", str(project / "content"), str(project / "seeds"))
    return Options(folders, out, **more)


def fresh(project: Path, out: Path, **more) -> dict[str, bytes]:
    """The folder a fresh reference build writes."""
    result = Project(options(project, out, **more), Engine()).build()
    assert result.ok, result.problems
    return snapshot(out)


ENGINES = {
    "reference": lambda tmp: Engine(),
    "fast": lambda tmp: FastEngine(tmp / "cache", 2),
}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(params=sorted(ENGINES))
def setup(request, tmp_path):
    project = copy_fixture(tmp_path / "p")
    templates = tmp_path / "templates"
    shutil.copytree(BUNDLED_TEMPLATES, templates)
    out = tmp_path / "site"
    the_options = options(project, out, templates=templates, templates_shown="templates")
    built = Project(the_options, ENGINES[request.param](tmp_path))
    first = built.build()
    assert first.ok and first.entry_count == 9 and len(first.written) == first.files
    return built, project, templates, out, tmp_path


def assert_as_fresh(project, templates, out, tmp_path):
    assert snapshot(out) == fresh(project, tmp_path / "fresh", templates=templates, templates_shown="templates")
    shutil.rmtree(tmp_path / "fresh")


def test_a_rebuild_with_nothing_changed_writes_nothing(setup):
    built, project, templates, out, tmp_path = setup
    result = built.rebuild([])
    assert result.ok and result.written == [] and result.removed == []


def test_a_body_edit_rewrites_the_entry_page_and_what_shows_its_text(setup):
    built, project, templates, out, tmp_path = setup
    entry = project / "content" / "2021-03-28-mayor.md"
    edit(entry, "\n---\n", "\n---\nA new first sentence, seen by the rebuild.\n\n")
    result = built.rebuild([entry])
    assert result.ok
    assert "entries/2021-03-28-mayor.html" in result.written
    assert "sources/gazette.html" not in result.written
    assert "A new first sentence" in (out / "entries" / "2021-03-28-mayor.html").read_text(encoding="utf-8")
    assert_as_fresh(project, templates, out, tmp_path)


def test_a_title_edit_reaches_every_page_that_names_the_entry(setup):
    built, project, templates, out, tmp_path = setup
    entry = project / "content" / "2021-03-28-mayor.md"
    text = entry.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    edit(entry, title, "title: A renamed event")
    result = built.rebuild([entry])
    assert result.ok and "index.html" in result.written
    assert "A renamed event" in (out / "index.html").read_text(encoding="utf-8")
    assert_as_fresh(project, templates, out, tmp_path)


def test_a_source_edit_reaches_its_page(setup):
    built, project, templates, out, tmp_path = setup
    sources = project / "seeds" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    publisher = next(line for line in text.splitlines() if line.strip().startswith("publisher:"))
    edit(sources, publisher, publisher.split(":")[0] + ": A Renamed Publisher")
    result = built.rebuild([sources])
    assert result.ok and any(p.startswith("sources/") for p in result.written)
    assert_as_fresh(project, templates, out, tmp_path)


def test_a_template_edit_reaches_every_page_made_with_it(setup):
    built, project, templates, out, tmp_path = setup
    edit(templates / "entry.html", "<article", "<!-- edited template -->\n<article")
    result = built.rebuild([templates / "entry.html"])
    assert result.ok
    entry_pages = {p for p in snapshot(out) if p.startswith("entries/")}
    assert entry_pages <= set(result.written)
    assert "index.html" not in result.written
    assert_as_fresh(project, templates, out, tmp_path)


def test_a_rebuild_with_an_error_reports_it_and_leaves_the_site(setup):
    built, project, templates, out, tmp_path = setup
    before = snapshot(out)
    entry = project / "content" / "2021-03-28-mayor.md"
    edit(entry, "title:", "titel:")
    result = built.rebuild([entry])
    assert not result.ok
    assert [str(p) for p in result.problems if p.severity == "error"][0].startswith(f"{entry}:")
    assert snapshot(out) == before
    edit(entry, "titel:", "title:")
    assert built.rebuild([entry]).ok
    assert_as_fresh(project, templates, out, tmp_path)


def test_check_writes_nothing(tmp_path):
    project = copy_fixture(tmp_path / "p")
    result = Project(options(project, None), Engine()).check()
    assert result.ok and result.entry_count == 9 and result.written == []
    assert not (tmp_path / "site").exists()
