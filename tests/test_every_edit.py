"""After every kind of edit, a rebuild leaves the output folder byte for
byte as a fresh build of the same folders: each front-matter field of an
entry, its body, an entry added, removed and renamed, a source and a
source text edited, a template and a setting changed. Both ways a rebuild
runs are held to it: build.py run again with its cache (the fast engine,
the quick way where it applies), and one Project kept in memory and told
what changed (the live preview's `rebuild`). The fresh build is the
reference engine's, in a folder of its own.

And a title edit re-renders the pages that show the entry, not the site:
its page and its neighbours', the home page, its tags' and person's pages,
the pages of the sources it cites, the feed and the files of one piece per
entry."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest

from helpers import build, copy_fixture, snapshot
from test_cache import make_large, replace_in
from timeline.model.assemble import Folders
from timeline.engine import Engine
from timeline.project import BUNDLED_TEMPLATES, Options, OutputError, Project
from timeline.speedups import FastEngine

MAYOR = "content/2021-03-28-mayor.md"


def options(project: Path, out: Path) -> Options:
    folders = Folders(project / "content", project / "seeds", "content", "seeds")
    return Options(folders, out, templates=project / "templates", templates_shown="templates")


def fresh(project: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    result = Project(options(project, out), Engine()).build()
    assert result.ok, [str(p) for p in result.problems if p.severity == "error"]
    site = snapshot(out)
    shutil.rmtree(out)
    return site


def sub(rel: str, old: str, new: str) -> Callable[[Path], list[str]]:
    def edit(project: Path) -> list[str]:
        replace_in(project / rel, old, new)
        return [rel]
    return edit


def add_entry(project: Path) -> list[str]:
    rel = "content/2021-05-01-ferry-returns.md"
    (project / rel).write_text(
        "---\ntitle: The ferry returns\ndate: 2021-05-01\ntags: [bridge, ferry]\npeople: [Jon Berg]\n"
        "sources: [radio]\n---\nThe ferry is back on its old route.\n", encoding="utf-8")
    return [rel]


def remove_entry(project: Path) -> list[str]:
    rel = "content/2021-05-01-ferry-returns.md"
    (project / rel).unlink()
    return [rel]


def rename_entry(project: Path) -> list[str]:
    old, new = "content/2021-03-27-night.md", "content/2021-03-27-the-night.md"
    (project / old).rename(project / new)
    # The links to it follow, as a curator's editor would make them.
    changed = [old, new]
    for path in (project / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if "2021-03-27-night.md" in text:
            path.write_text(text.replace("2021-03-27-night.md", "2021-03-27-the-night.md"), encoding="utf-8")
            changed.append(path.relative_to(project).as_posix())
    return changed


def add_generated_sentence(project: Path) -> list[str]:
    rel = next((project / "content" / "gen").rglob("*-gen-007.md")).relative_to(project).as_posix()
    with open(project / rel, "a", encoding="utf-8") as f:
        f.write("\nA sentence added below the front matter.\n")
    return [rel]


def append_to_source(project: Path) -> list[str]:
    with open(project / "seeds" / "gazette.txt", "a", encoding="utf-8") as f:
        f.write("A line the archive added later.\n")
    return ["seeds/gazette.txt"]


def sub_generated(i: int, old: str, new: str) -> Callable[[Path], list[str]]:
    def edit(project: Path) -> list[str]:
        rel = next((project / "content" / "gen").rglob(f"*-gen-{i:03d}.md")).relative_to(project).as_posix()
        return sub(rel, old, new)(project)
    return edit


# Applied one after another: each rebuild starts from the site the last left.
EDITS: list[tuple[str, Callable[[Path], list[str]]]] = [
    ("body", sub(MAYOR, "He spoke on local radio.", "He spoke on local radio, twice.")),
    ("body of a listed entry", add_generated_sentence),
    ("title", sub(MAYOR, 'title: "No"', "title: The mayor says no")),
    ("date", sub(MAYOR, "date: 28 March 2021 18:30", "date: 29 March 2021 09:15")),
    ("end", sub(MAYOR, "approximate: true\n", "approximate: true\nend: 2021-04-02\n")),
    ("approximate", sub(MAYOR, "approximate: true\n", "")),
    ("place", sub(MAYOR, 'place: "NO"', "place: Harbour square")),
    ("display_date", sub(MAYOR, "place: Harbour square\n", "place: Harbour square\ndisplay_date: Late March\n")),
    ("group", sub(MAYOR, "place: Harbour square\n", "place: Harbour square\ngroup: Council\n")),
    ("tags", sub(MAYOR, "tags: [bridge, reactions]", "tags: [bridge, protest, Reactions]")),
    ("people", sub(MAYOR, "people: [Jon Berg]", "people: [Jon Berg, Ana Lund]")),
    ("sources", sub(MAYOR, "sources:\n  - radio\n", "sources:\n  - radio\n  - gazette\n")),
    ("quotes", sub(MAYOR, "  - text: 'a disgrace'\n    by: Jon Berg\n    source: radio\n", "")),
    ("figures", sub(MAYOR, "according_to: Jon Berg", "according_to: the mayor")),
    ("updated", sub(MAYOR, "extra:\n", "updated: 2021-04-01\nextra:\n")),
    ("corrections", sub(MAYOR, "extra:\n", "corrections:\n  - date: 2021-04-01\n    text: The day was wrong.\nextra:\n")),
    ("extra", sub(MAYOR, "color: red", "color: blue")),
    ("draft", sub_generated(11, "place: Pier 1\n", "place: Pier 1\ndraft: true\n")),
    ("draft undone", sub_generated(11, "draft: true\n", "")),
    ("title of a listed entry", sub_generated(12, "week 3", "week three")),
    ("entry added", add_entry),
    ("entry removed", remove_entry),
    ("entry renamed", rename_entry),
    ("source described", sub("seeds/sources.yaml", "publisher: Radio Nord", "publisher: Radio Nord AS")),
    ("source text", append_to_source),
    ("template", sub("templates/entry.html", "<article", "<!-- an edited template -->\n<article")),
    ("setting", sub("content/_index.md", "title: The bridge affair", "title: The bridge affair, again")),
    ("listing split", sub("content/_index.md", "page_size: 40", "page_size: 15")),
]


# Edits that leave the entry in its place: a lasting project patches them
# into its last build (the others take the full way, as a date edit).
PATCHED = ("body", "body of a listed entry", "title", "place", "display_date", "figures", "corrections", "extra",
           "title of a listed entry")


@pytest.fixture
def project(tmp_path):
    project = make_large(tmp_path / "project", count=40)
    shutil.copytree(BUNDLED_TEMPLATES, project / "templates")
    return project


def test_edits_of_every_kind_rebuilt_by_the_command_equal_a_fresh_build(project, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    args = ("--cache", cache, "--templates", project / "templates")
    first = build(project, site, *args)
    assert first.returncode == 0, first.stderr
    for name, edit in EDITS:
        edit(project)
        done = build(project, site, *args)
        assert done.returncode == 0, (name, done.stderr)
        assert snapshot(site) == fresh(project, tmp_path / "fresh"), name


@pytest.mark.parametrize("lasting, keep_spare", [(False, False), (True, False), (True, True)],
                         ids=["project", "lasting-project", "preview"])
def test_edits_of_every_kind_rebuilt_in_memory_equal_a_fresh_build(project, tmp_path, lasting, keep_spare):
    """A lasting project keys its pages by what they read from its first
    build; another from its second. The live preview's is lasting and
    makes each build's tree from the one the last build swapped out."""
    site = tmp_path / "site"
    kept = Project(options(project, site), FastEngine(tmp_path / "cache", 2), keep_spare=keep_spare,
                   lasting=lasting)
    assert kept.build().ok
    for name, edit in EDITS:
        if keep_spare:
            kept.engine.prepare(kept)   # as the preview does while it waits for a save
        changed = edit(project)
        result = kept.rebuild([project / rel for rel in changed], complete=True)
        assert result.ok, (name, [str(p) for p in result.problems])
        if lasting and name in PATCHED:
            assert result.quick, name   # patched into the last build kept in memory
        assert snapshot(site) == fresh(project, tmp_path / "fresh"), name
        if keep_spare:
            assert (tmp_path / ".site.spare").is_dir(), name


def test_a_title_edit_renders_the_pages_that_show_the_entry_and_no_other(project, tmp_path):
    site = tmp_path / "site"
    kept = Project(options(project, site), FastEngine(tmp_path / "cache", 2), lasting=True)
    first = kept.build()
    assert first.ok
    before = snapshot(site)
    entry = next((project / "content" / "gen").rglob("*-gen-012.md"))
    slug = entry.stem
    replace_in(entry, "the bridge, week 3", "the bridge, week three")
    result = kept.rebuild([entry], complete=True)
    assert result.ok and result.quick   # patched into the build kept in memory
    pages = {p for p in result.rendered if p.endswith((".html", ".xml"))}

    # Where the entry shows, read from the site as built before the edit.
    order = sorted(p for p in before if p.startswith("entries/"))
    showing = {p for p, data in before.items() if p.endswith((".html", ".xml")) and f"{slug}.html".encode() in data}
    must = {f"entries/{slug}.html", "feed.xml", "embed.html"}
    must |= {p for p in showing if p.startswith(("tags/", "people/", "archive/"))}
    assert must <= pages, sorted(must - pages)
    assert len([p for p in must if p.startswith(("tags/", "people/"))]) == 4   # bridge, batch 5, Jon Berg, Person 0
    # Nothing that does not show it: other entries' pages but its
    # neighbours' (their links name it), the tags and people it lacks, the
    # sources it does not cite, the 404 page.
    not_showing = {p for p in before if p.endswith((".html", ".xml")) and p not in showing}
    assert not (pages & not_showing), sorted(pages & not_showing)
    others = [p for p in pages if p.startswith("entries/") and p != f"entries/{slug}.html"]
    assert len(others) == 2 and all(p in order for p in others)
    assert len(pages) < len([p for p in before if p.endswith(".html")]) / 3

    # And the site is as a fresh build's.
    assert snapshot(site) == fresh(project, tmp_path / "fresh")


@pytest.mark.parametrize("new_date", ["2022-01-26", "2022-01-30"], ids=["between-the-same-neighbours", "past-two-others"])
def test_a_date_edit_renders_the_pages_that_show_the_entry_or_its_neighbours_and_no_other(project, tmp_path, new_date):
    site = tmp_path / "site"
    kept = Project(options(project, site), FastEngine(tmp_path / "cache", 2), lasting=True)
    assert kept.build().ok
    before = snapshot(site)
    entry = next((project / "content" / "gen").rglob("*-gen-012.md"))
    slug = entry.stem
    replace_in(entry, "date: 2022-01-25", f"date: {new_date}")
    result = kept.rebuild([entry], complete=True)
    assert result.ok
    after = snapshot(site)
    assert after == fresh(project, tmp_path / "fresh")
    pages = {p for p in result.rendered if p.endswith((".html", ".xml"))}

    def showing(files: dict[str, bytes]) -> set[str]:
        return {p for p, data in files.items() if p.endswith((".html", ".xml")) and f"{slug}.html".encode() in data}

    def neighbours(files: dict[str, bytes]) -> set[str]:
        order = sorted(p for p in files if p.startswith("entries/"))
        at = order.index(f"entries/{slug}.html")
        return {order[j] for j in (at - 1, at + 1) if 0 <= j < len(order)}

    must = {f"entries/{slug}.html", "feed.xml", "embed.html", "archive/2022.html"} | neighbours(before) | neighbours(after)
    must |= {p for p in showing(before) if p.startswith(("tags/", "people/", "sources/"))}
    assert must <= pages, sorted(must - pages)
    # Nothing that shows neither the entry nor a neighbour whose links name it.
    allowed = showing(before) | showing(after) | neighbours(before) | neighbours(after)
    assert pages <= allowed, sorted(pages - allowed)
    assert len(pages) < len([p for p in before if p.endswith(".html")]) / 3


def test_a_stylesheet_edit_in_memory_is_copied_and_renders_no_page(project, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(BUNDLED_TEMPLATES.parent / "static", project / "static")
    opts = Options(options(project, site).folders, site, templates=project / "templates",
                   templates_shown="templates", static=project / "static")
    kept = Project(opts, FastEngine(tmp_path / "cache", 2), keep_spare=True, lasting=True)
    assert kept.build().ok
    css = project / "static" / "style.css"
    for i in range(2):
        css.write_text(css.read_text(encoding="utf-8") + f"\n/* edit {i} */\n", encoding="utf-8")
        result = kept.rebuild([css], complete=True)
        assert result.ok and result.quick
        assert result.written == ["static/style.css"]
        assert not [p for p in result.rendered if p.endswith(".html")]
        assert (site / "static" / "style.css").read_bytes() == css.read_bytes()
    # And a title edit after it is patched as well, to a fresh build's bytes.
    sub_generated(12, "week 3", "week three")(project)
    entry = next((project / "content" / "gen").rglob("*-gen-012.md"))
    result = kept.rebuild([entry], complete=True)
    assert result.ok and result.quick
    shown = shutil.copytree(site, tmp_path / "shown")
    fresh_build = Project(opts, Engine())
    shutil.rmtree(site)
    assert fresh_build.build().ok
    assert snapshot(shown) == snapshot(site)


def patched_once(project: Path, tmp_path: Path) -> tuple[Path, Project, Path]:
    """A project kept in memory as the preview keeps it (its spare tree
    kept), built, and a title edit patched in: the site, the project and
    the edited entry."""
    site = tmp_path / "site"
    kept = Project(options(project, site), FastEngine(tmp_path / "cache", 2), keep_spare=True, lasting=True)
    assert kept.build().ok
    entry = next((project / "content" / "gen").rglob("*-gen-012.md"))
    replace_in(entry, "the bridge, week 3", "the bridge, week three")
    assert kept.rebuild([entry], complete=True).quick
    return site, kept, entry


def test_a_full_build_that_fails_while_writing_leaves_nothing_for_the_next_patch_to_publish(project, tmp_path,
                                                                                         monkeypatch):
    # The preview's full build makes its spare tree the staged one; failed,
    # it leaves there what it had written (pages of a tag since taken back,
    # a process's half-made file in its own folder). The next patched edit
    # must not swap those in as if the spare differed from the site only
    # where the last patch wrote.
    from timeline.write import output

    site, kept, entry = patched_once(project, tmp_path)
    replace_in(entry, "tags: [bridge, batch 5]", "tags: [bridge, batch 5, a new tag]")   # the full build's way
    written = {"files": 0}
    real = output._write_fd

    def full_disk(fd: int, data: bytes) -> list[int]:
        written["files"] += 1
        if written["files"] == 5:
            os.write(fd, data[:10])
            os.close(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(output, "_write_fd", full_disk)
    with pytest.raises(OutputError, match="No space left"):   # in whichever process makes its 5th file first
        kept.rebuild([entry], complete=True)
    monkeypatch.setattr(output, "_write_fd", real)
    # The tag taken back, the title edited again: patched into the last build.
    replace_in(entry, "tags: [bridge, batch 5, a new tag]", "tags: [bridge, batch 5]")
    replace_in(entry, "the bridge, week three", "the bridge, week 3 and a bit")
    result = kept.rebuild([entry], complete=True)
    assert result.ok and result.quick
    assert not [p for p in site.rglob(".making-*")]
    assert snapshot(site) == fresh(project, tmp_path / "fresh")


def test_a_patch_after_another_process_built_the_site_keeps_what_that_build_wrote(project, tmp_path):
    # The command run while the preview runs: its build swaps the site and
    # leaves the spare differing from it where it wrote, not where the
    # preview's last patch wrote. The preview's next patch must not trust
    # the spare, or it would swap in what that build replaced.
    from timeline.write.output import replace_files

    site, kept, _ = patched_once(project, tmp_path)
    spare = tmp_path / ".site.spare"
    assert spare.is_dir()
    elsewhere = (site / "404.html").read_bytes().replace(b"</body>", b"<!-- built elsewhere --></body>")
    replace_files(site, {"404.html": elsewhere}, spare)   # another process's build of one file
    second = next((project / "content" / "gen").rglob("*-gen-020.md"))
    replace_in(second, "week 5", "week five")
    result = kept.rebuild([second], complete=True)
    assert result.ok and result.quick and "404.html" not in result.written
    assert (site / "404.html").read_bytes() == elsewhere
