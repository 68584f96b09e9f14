"""Captions and credits of media are inline Markdown (CONTRACT.md section 3):
links and emphasis shown as such, raw HTML as text, links checked and
resolved as a body's are; timeline.json keeps them as written. Judged on
the built pages (parsed), on timeline.json, and against fresh builds after
an edit (the cache, the quick way, Project.rebuild)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from helpers import TRACKS, build, load_json, problems, read_page, site_path, snapshot
from test_cache import assert_same_site, cached_build, ok
from timeline.model.assemble import Folders
from timeline.engine import Engine
from timeline.check.markup import new_inline_parser, render_inline
from timeline.project import Options, Project
from timeline.speedups import FastEngine

PORTRAIT = "https://commons.example.org/wiki/File:Queen_Victoria_by_Chalon.jpg"
# As import writes a sheet's cells that held links and emphasis.
ENTRY = f"""---
title: The queen sits for her portrait
date: 2021-05-04
sources:
  - id: news
    passage: The town announced a plan to deepen the harbour
media:
  - file: media/quay.jpg
    alt: The queen seated, in a white dress
    caption: "[Portrait]({PORTRAIT}) of the queen by *Alfred Chalon*, 1838"
    credit: "Held by [the museum](2021-03-10-plan.md), **Royal Collection**"
  - url: https://video.example.org/watch?v=sitting
    caption: "[Sitting](https://video.example.org/about) for *Chalon* at `Windsor`"
    credit: "Filmed by [a resident](https://people.example.org/kari)"
  - file: media/plan.png
    alt: A drawing of the harbour
    caption: "<script>alert('caption')</script> and <b>bold</b> & more"
    credit: <img src=x onerror=alert(1)>
---
The [Portrait]({PORTRAIT}) was shown in [the museum](2021-03-10-plan.md).
"""
SLUG = "2021-05-04-portrait"


def project_with_captions(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    shutil.copytree(TRACKS, project)
    (project / "content" / f"{SLUG}.md").write_text(ENTRY, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("captions")
    ok(build(project_with_captions(tmp), tmp / "site", "--no-cache"))
    return tmp / "site"


def figures(site: Path):
    page = read_page(site, f"entries/{SLUG}.html")
    return page, [n for n in page.root.find_all("figure") if {"picture", "media-link"} & set(n.classes)]


def caption_of(figure):
    found = figure.find_all("figcaption")
    assert len(found) == 1, figure
    return found[0]


def test_a_caption_with_a_link_and_emphasis_is_shown_as_such(site):
    page, (picture, link_card, escaped) = figures(site)
    caption = caption_of(picture)
    links = caption.find_all("a")
    assert [a.text() for a in links] == ["Portrait", "the museum"]
    assert links[0].attrs["href"] == PORTRAIT
    assert [e.text() for e in caption.find_all("em")] == ["Alfred Chalon"]
    assert [s.text() for s in caption.find_all("strong")] == ["Royal Collection"]
    credit = [n for n in caption.find_all("span") if "credit" in n.classes]
    assert len(credit) == 1 and credit[0].words() == "Held by the museum, Royal Collection"
    assert caption.words() == "Portrait of the queen by Alfred Chalon, 1838 Held by the museum, Royal Collection"
    media = page.by_id("media-h").parent
    for marker in ("[", "](", "*", "`"):
        assert marker not in media.text(), marker


def test_caption_links_are_those_the_body_would_make(site):
    page, (picture, _, _) = figures(site)
    body = [n for n in page.root.find_all("section") if "body" in n.classes][0]
    in_body = {a.text(): a.attrs for a in body.find_all("a")}
    in_caption = {a.text(): a.attrs for a in caption_of(picture).find_all("a")}
    # The same link written in the body and in a caption is the same element.
    assert in_caption == in_body
    target, _ = site_path(f"entries/{SLUG}.html", in_caption["the museum"]["href"])
    assert target == "entries/2021-03-10-plan.html" and (site / target).is_file()


def test_a_link_card_names_the_caption_words_and_shows_its_credit(site):
    _, (_, card, _) = figures(site)
    outer = [a for a in card.find_all("a") if a.attrs.get("href") == "https://video.example.org/watch?v=sitting"]
    # No alt: the caption stands in as the link's text, as its plain words.
    assert len(outer) == 1 and outer[0].words() == "Sitting for Chalon at Windsor (video.example.org)"
    assert outer[0].find_all("a") == [outer[0]] and not outer[0].find_all("em")
    caption = caption_of(card)
    assert [(a.text(), a.attrs["href"]) for a in caption.find_all("a")] == [("a resident", "https://people.example.org/kari")]
    assert caption.words() == "Filmed by a resident"


def test_raw_html_in_a_caption_is_shown_as_text(site):
    page, (_, _, escaped) = figures(site)
    caption = caption_of(escaped)
    assert caption.words() == "<script>alert('caption')</script> and <b>bold</b> & more <img src=x onerror=alert(1)>"
    assert not caption.find_all("script") and not caption.find_all("b") and not caption.find_all("img")
    assert "alert" not in "".join(n.text() for n in page.root.find_all("script"))


def test_timeline_json_keeps_captions_as_written(site):
    entry = {e["slug"]: e for e in load_json(site)["entries"]}[SLUG]
    assert [(m["caption"], m["credit"]) for m in entry["media"]] == [
        (f"[Portrait]({PORTRAIT}) of the queen by *Alfred Chalon*, 1838",
         "Held by [the museum](2021-03-10-plan.md), **Royal Collection**"),
        ("[Sitting](https://video.example.org/about) for *Chalon* at `Windsor`",
         "Filmed by [a resident](https://people.example.org/kari)"),
        ("<script>alert('caption')</script> and <b>bold</b> & more", "<img src=x onerror=alert(1)>"),
    ]


def test_a_caption_linking_to_no_entry_is_an_error_at_its_item(tmp_path):
    project = project_with_captions(tmp_path)
    path = project / "content" / f"{SLUG}.md"
    path.write_text(ENTRY.replace("(2021-03-10-plan.md), **", "(2021-03-10-pian.md), **"), encoding="utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = [p for p in problems(result.stderr) if p[2] == "error"]
    assert len(found) == 1, found
    assert found[0][0].endswith(f"{SLUG}.md") and found[0][1] == 8
    assert '"2021-03-10-pian.md"' in found[0][3] and "no such entry" in found[0][3]
    assert not (tmp_path / "site").exists()


def _edit_caption(project: Path) -> None:
    path = project / "content" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("by *Alfred Chalon*", "by _Alfred Edward Chalon_ ([see](2020-before.md))"),
                    encoding="utf-8")
    old = time.time() - 10
    os.utime(path, (old, old))


def test_a_caption_edit_after_cached_builds_gives_a_fresh_builds_site(tmp_path):
    project = project_with_captions(tmp_path)
    site, cache = tmp_path / "site", tmp_path / "cache"
    ok(cached_build(project, site, cache))
    # A body edit first, so that the quick way's manifest holds the entry.
    path = project / "content" / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    ok(cached_build(project, site, cache))
    _edit_caption(project)
    ok(cached_build(project, site, cache))
    caption = caption_of(figures(site)[1][0])
    assert [e.text() for e in caption.find_all("em")] == ["Alfred Edward Chalon"]
    assert "see" in [a.text() for a in caption.find_all("a")]
    ok(build(project, tmp_path / "fresh", "--no-cache"))
    assert_same_site(site, tmp_path / "fresh")


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_a_caption_edit_rebuilt_in_memory_gives_a_fresh_builds_site(tmp_path, engine):
    project = project_with_captions(tmp_path)

    def options(out: Path) -> Options:
        folders = Folders(project / "content", project / "seeds", str(project / "content"), str(project / "seeds"))
        return Options(folders, out)

    kept = Project(options(tmp_path / "site"), Engine() if engine == "reference" else FastEngine(tmp_path / "cache", 2))
    assert kept.build().ok
    _edit_caption(project)
    result = kept.rebuild([project / "content" / f"{SLUG}.md"])
    assert result.ok and f"entries/{SLUG}.html" in [str(p).replace(os.sep, "/") for p in result.written]
    fresh = Project(options(tmp_path / "fresh"), Engine()).build()
    assert fresh.ok
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "fresh")


PLAIN = ["The plan as the council showed it", 'He said "no" (twice), 50% of it; a/b', "  spaced  out ",
         "Tabs\tand ümlauts, ‘quotes’ — dashes: 1-2", "https://example.org/x?y=1#z", "Ends with a space "]
MARKED = ["*a*", "a & b", "&amp;", "a\nb", "x < y", "[x]", "\\*", "`c`", "a_b_c", "~x~", "!", "a\x00b"]


@pytest.mark.parametrize("text", PLAIN + MARKED)
def test_inline_rendering_is_markdown_its_own(text):
    """A caption with no markup skips the parser: the same HTML as markdown-it's."""
    from markdown_it import MarkdownIt
    reference = MarkdownIt("commonmark", {"html": False})
    got = render_inline(new_inline_parser(), text, line=1)
    assert got.html == reference.renderInline(text)
    if text in PLAIN:
        assert got.text == " ".join(text.split())
