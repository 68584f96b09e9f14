"""Page keys come from what each page's template is given (timeline/keys.py),
not from a list per page kind: a template that starts to show a field is
kept up to date by the cache with no change to any key code."""

from __future__ import annotations

import shutil

from helpers import REPO, build, copy_fixture, snapshot
from timeline.render.keys import KeyMaker
from timeline.render.render import Lazy


def test_a_template_that_shows_a_new_field_is_rebuilt_when_that_field_changes(tmp_path):
    project = copy_fixture(tmp_path / "project")
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    page = templates / "sources.html"
    # The sources list now shows each source's note, which it never did.
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{{ s.title }}</a></td>", "{{ s.title }}</a> <small>{{ s.note or '' }}</small></td>", 1), encoding="utf-8")
    args = ("--templates", templates)
    cache = tmp_path / "cache"
    assert build(project, tmp_path / "site", "--cache", cache, *args).returncode == 0
    sources = project / "seeds" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert "note: Transcript of a broadcast" in text
    sources.write_text(text.replace("note: Transcript of a broadcast", "note: A changed note"), encoding="utf-8")
    again = build(project, tmp_path / "site", "--cache", cache, *args)
    assert again.returncode == 0, again.stderr
    assert "A changed note" in (tmp_path / "site" / "sources" / "index.html").read_text(encoding="utf-8")
    assert build(project, tmp_path / "fresh", "--no-cache", *args).returncode == 0
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "fresh")


def test_keys_differ_exactly_when_what_a_page_is_given_differs():
    def key(context):
        return KeyMaker("base").key("p.html", "t.html", context)

    assert key({"a": [1, "x"]}) == key({"a": [1, "x"]})
    assert key({"a": [1, "x"]}) != key({"a": [1, "y"]})
    assert key({"a": "1"}) != key({"a": 1})
    assert key({"f": Lazy(sorted, [2, 1])}) == key({"f": Lazy(sorted, [2, 1])})
    assert key({"f": Lazy(sorted, [2, 1])}) != key({"f": Lazy(sorted, [1, 2])})
    assert key({"f": Lazy(sorted, [2, 1])}) != key({"f": Lazy(reversed, [2, 1])})
    # a value shared by many pages is walked once, and stands by its digest
    maker = KeyMaker("base")
    shared = [str(n) * 20 for n in range(100)]
    first = maker.key("a.html", "t.html", {"s": shared})
    assert maker.key("a.html", "t.html", {"s": shared}) == first
    assert maker.key("b.html", "t.html", {"s": shared}) != first
