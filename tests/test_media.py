"""Media, groups, eras and display dates (CONTRACT.md sections 3 and 5),
on tests/fixtures/tracks and copies of it with one change each; judged on
the built pages and timeline.json."""

from __future__ import annotations

import os
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest

from helpers import TRACKS, build, built_tracks, load_json, problems, read_page, site_path
from test_cache import assert_same_site, cached_build, ok
from timeline.check.media import image_size

QUICK = "quick rebuild:"


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress((b"\0" + b"\x40" * width) * height)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_tracks(tmp_path_factory)


def entries(site: Path) -> dict[str, dict]:
    return {e["slug"]: e for e in load_json(site)["entries"]}


def copy_tracks(tmp_path: Path) -> Path:
    shutil.copytree(TRACKS, tmp_path / "p")
    return tmp_path / "p"


# ---------------------------------------------------------------- pictures

def test_image_sizes_are_read_from_the_bytes():
    assert image_size(png(1600, 500)) == ("png", 1600, 500)
    assert image_size(b"GIF89a" + struct.pack("<HH", 31, 7) + b"\0" * 8) == ("gif", 31, 7)
    jpeg = (b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\0" * 9
            + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 480, 640) + b"\x03" + b"\0" * 9)
    assert image_size(jpeg) == ("jpeg", 640, 480)
    assert image_size((TRACKS / "content" / "media" / "quay.jpg").read_bytes()) == ("jpeg", 16, 16)
    assert image_size((TRACKS / "content" / "2021" / "wreck.webp").read_bytes()) == ("webp", 16, 16)
    vp8x = b"RIFF" + b"\0" * 4 + b"WEBPVP8X" + b"\0" * 8 + (99).to_bytes(3, "little") + (49).to_bytes(3, "little")
    assert image_size(vp8x) == ("webp", 100, 50)
    avif = (struct.pack(">I", 24) + b"ftypavif" + b"\0" * 4 + b"mif1avif" + b"\0" * 20
            + b"ispe" + b"\0" * 4 + struct.pack(">II", 320, 200))
    assert image_size(avif) == ("avif", 320, 200)
    for not_an_image in (b"", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"BM" + b"\0" * 40, b"\x89PNG\r\n"):
        assert image_size(not_an_image) is None


def test_pictures_are_copied_and_shown_with_alt_caption_credit_and_size(site):
    e = entries(site)["2021-03-10-plan"]
    assert e["media"] == [{"file": "media/media/plan.png", "url": None,
                           "alt": "A drawing of the deepened harbour, with the new quay on the north side",
                           "caption": "The plan as the council showed it", "credit": "Harbour council"}]
    assert (site / "media" / "media" / "plan.png").read_bytes() == (TRACKS / "content" / "media" / "plan.png").read_bytes()
    page = read_page(site, e["url"])
    img = page.root.find_all("img")[0]
    target, _ = site_path(e["url"], img.attrs["src"])
    assert target == "media/media/plan.png"
    assert (img.attrs["alt"], img.attrs["width"], img.attrs["height"]) == (e["media"][0]["alt"], "1600", "500")
    figure = img.parent
    assert figure.tag == "figure" and "The plan as the council showed it" in figure.words() and "Harbour council" in figure.words()
    # A picture beside the entry's own file, in a sub-folder.
    wreck = entries(site)["2021-08-wreck"]
    assert wreck["media"][0]["file"] == "media/2021/wreck.webp" and (site / "media" / "2021" / "wreck.webp").is_file()


def test_a_url_is_a_link_card_naming_its_host_and_never_loaded(site):
    e = entries(site)["2021-07-02-works"]
    assert e["media"][0]["url"] == "https://video.example.org/watch?v=quay" and e["media"][0]["file"] is None
    page = read_page(site, e["url"])
    link = [a for a in page.root.find_all("a") if a.attrs.get("href") == "https://video.example.org/watch?v=quay"]
    assert link and "video.example.org" in link[0].words()
    assert "Kari Lund" in link[0].parent.parent.words()
    for tag, attr in (("img", "src"), ("iframe", "src"), ("video", "src"), ("source", "src"), ("link", "href"), ("script", "src")):
        for node in page.root.find_all(tag):
            assert "example.org" not in (node.attrs.get(attr) or ""), node


@pytest.mark.parametrize("media,words", [
    ("  - file: ../../outside.png\n    alt: x\n", "outside the content folder"),
    ("  - file: /etc/hostname\n    alt: x\n", "outside the content folder"),
    ("  - file: media/missing.png\n    alt: x\n", "cannot read the picture"),
    ("  - file: media/fake.png\n    alt: x\n", "not a JPEG, PNG, WebP, GIF or AVIF image"),
    ("  - file: media/plan.png\n", 'needs "alt"'),
    ("  - file: media/plan.png\n    url: https://example.org/x\n    alt: x\n", 'exactly one of "file"'),
    ("  - url: javascript:alert(1)\n", "http"),
])
def test_a_bad_media_item_is_an_error_at_its_line(tmp_path, media, words):
    project = copy_tracks(tmp_path)
    (project / "content" / "media" / "fake.png").write_text("<html>not a picture</html>", encoding="utf-8")
    (tmp_path / "outside.png").write_bytes(png(2, 2))
    (project / "content" / "bad.md").write_text(
        f"---\ntitle: Bad\ndate: 2021-03-11\nsources: [news]\nmedia:\n{media}---\n", encoding="utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = [p for p in problems(result.stderr) if p[2] == "error"]
    assert len(found) == 1 and found[0][0].endswith("bad.md") and found[0][1] in (6, 7, 8), found
    assert words in found[0][3], found
    assert not (tmp_path / "site").exists()


def test_a_linked_picture_leaving_content_is_refused(tmp_path):
    project = copy_tracks(tmp_path)
    (tmp_path / "secret.png").write_bytes(png(2, 2))
    os.symlink(tmp_path / "secret.png", project / "content" / "media" / "link.png")
    (project / "content" / "bad.md").write_text(
        "---\ntitle: Bad\ndate: 2021-03-11\nsources: [news]\nmedia:\n  - file: media/link.png\n    alt: x\n---\n",
        encoding="utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 1 and "outside the content folder" in result.stderr


def _replace_picture(project: Path) -> None:
    path = project / "content" / "media" / "plan.png"
    path.write_bytes(png(300, 100))
    old = time.time() - 10
    os.utime(path, (old, old))


def test_a_replaced_picture_is_picked_up_by_a_cached_build(tmp_path):
    project = copy_tracks(tmp_path)
    site, cache = tmp_path / "site", tmp_path / "cache"
    ok(cached_build(project, site, cache))
    _replace_picture(project)
    ok(cached_build(project, site, cache, "--jobs", "1"))
    assert (site / "media" / "media" / "plan.png").read_bytes() == png(300, 100)
    img = read_page(site, "entries/2021-03-10-plan.html").root.find_all("img")[0]
    assert (img.attrs["width"], img.attrs["height"]) == ("300", "100")
    ok(build(project, tmp_path / "fresh", "--no-cache"))
    assert_same_site(site, tmp_path / "fresh")


def test_a_replaced_picture_after_a_quick_rebuild_is_picked_up(tmp_path):
    project = copy_tracks(tmp_path)
    site, cache = tmp_path / "site", tmp_path / "cache"
    ok(cached_build(project, site, cache))
    # A body edit: the quick way.
    entry = project / "content" / "2021-03-10-plan.md"
    entry.write_text(entry.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    old = time.time() - 10
    os.utime(entry, (old, old))
    assert QUICK in ok(cached_build(project, site, cache)).stderr
    # Then only the picture changes: not the quick way's, and never stale.
    _replace_picture(project)
    again = ok(cached_build(project, site, cache))
    assert QUICK not in again.stderr
    assert (site / "media" / "media" / "plan.png").read_bytes() == png(300, 100)
    ok(build(project, tmp_path / "fresh", "--no-cache"))
    assert_same_site(site, tmp_path / "fresh")


# ---------------------------------------------------------------- groups, eras, display dates

def test_a_group_is_on_the_card_the_entry_page_its_own_page_and_the_search(site):
    e = entries(site)
    assert (e["2021-07-02-works"]["group"], e["2021-08-wreck"]["group"]) == ("Works", "works")
    home = read_page(site, "index.html")
    card = home.by_id("2021-08-wreck")
    link = [a for a in card.find_all("a") if a.words() == "Works"]
    assert link and site_path("index.html", link[0].attrs["href"])[0] == "groups/works.html"
    page = read_page(site, "entries/2021-08-wreck.html")
    assert any(a.words() == "Works" for a in page.root.find_all("a"))
    group_page = read_page(site, "groups/works.html")
    assert [a.words() for a in group_page.root.find_all("a") if "entries/" in (a.attrs.get("href") or "")] == [
        "Work begins on the north quay", "Divers find a wreck", "The wreck goes to the museum"]
    assert "Group" in group_page.main_text()
    select = home.by_id("group-filter")
    assert [o.attrs["value"] for o in select.find_all("option")] == ["", "Council", "Works"]
    index = (site / "search-index.js").read_text(encoding="utf-8")
    assert '"groups":["Council","Works"]' in index


def test_a_display_date_is_shown_and_the_real_date_kept(site):
    e = entries(site)["2021-03-10-plan"]
    assert e["display_date"] == "Early March 2021" and e["date"] == "2021-03-10"
    card = read_page(site, "index.html").by_id("2021-03-10-plan")
    time_ = card.find_all("time")[0]
    assert time_.attrs["datetime"] == "2021-03-10" and time_.words() == "Early March 2021"
    page = read_page(site, e["url"])
    times = page.root.find_all("time")
    assert times[0].words() == "Early March 2021" and times[0].attrs["datetime"] == "2021-03-10"
    assert "Wednesday 10 March 2021" in page.main_text()


def test_eras_are_bands_behind_the_timeline_and_the_strip_and_listed(site):
    data = load_json(site)
    assert [era["title"] for era in data["eras"]] == ["Planning", "The works"]
    home = read_page(site, "index.html")
    nav = next(n for n in home.root.find_all("nav") if n.attrs.get("aria-label") == "Eras")
    assert "Planning" in nav.words() and "The works" in nav.words()
    bands = home.root.find_all("rect", **{"class": "band"})
    assert [b.find_all("title")[0].words() for b in bands] == ["Planning", "The works"]
    days = [li for li in home.root.find_all("li") if "day" in li.classes]
    inside = {d.find_all("h2")[0].attrs["id"]: "in-era" in d.classes for d in days}
    assert inside["d-2020"] is False and inside["d-2021-03-10"] and inside["d-2021-08"] and inside["d-2021-09-20"]
    labels = [p for p in home.root.find_all("p") if "era-label" in p.classes]
    assert [p.attrs["id"] for p in labels] == ["era-planning", "era-the-works"]
    assert [a.attrs["href"] for a in nav.find_all("a")] == ["#era-planning", "#era-the-works"]


def test_an_era_whose_end_is_before_its_start_is_an_error_at_its_line(tmp_path):
    project = copy_tracks(tmp_path)
    index = project / "content" / "_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("end: 2022-12-31", "end: 2020-12-31"), encoding="utf-8")
    result = build(project, tmp_path / "site", "--no-cache")
    assert result.returncode == 1
    found = [p for p in problems(result.stderr) if p[2] == "error"]
    assert found[0][0].endswith("_index.md") and found[0][1] == 12 and "before" in found[0][3]


def test_the_feed_carries_groups_and_pictures(site):
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert '<category term="Council"/>' in feed
    assert '<link rel="enclosure" type="image/png" href="https://example.org/harbour/media/media/plan.png"/>' in feed


def test_a_draft_with_no_source_is_shown_marked_under_drafts(site):
    e = entries(site)["2021-09-20-museum"]
    assert e["draft"] is True and e["sources"] == []
    page = read_page(site, e["url"])
    assert "No source yet" in page.main_text()
