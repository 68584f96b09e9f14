"""Follow every link of every page of a built site (CONTRACT section 5).

- every relative href / src names a file of the site (percent-decoded),
  never a folder, and never ends with '/';
- every fragment (#id) is an id of the page it points to;
- nothing leaves the site except <a href> to http(s) or mailto;
- nothing is loaded from another host: no <link>, <script src>, <img src>,
  ... with a scheme or '//' , and no url(...) to another host in CSS.

Sites: tests/fixtures/basic, the same split into archive pages (page_size
2), tests/fixtures/tracks (groups, media, eras) and the example timeline at the repository root (content/ + seeds/) when
`build.py check` accepts it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO, build, built_basic, built_tracks, copy_fixture, html_pages, run_build, site_path, snapshot

ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", re.I)
_EXAMPLE: dict[str, object] = {}


def example_site(tmp_path_factory) -> Path:
    if "site" not in _EXAMPLE:
        if not (REPO / "content").is_dir() or not (REPO / "seeds").is_dir():
            _EXAMPLE["skip"] = "no example timeline (content/ and seeds/) at the repository root"
        else:
            check = run_build("check", "--content", "content", "--seeds", "seeds")
            if check.returncode != 0:
                _EXAMPLE["skip"] = f"build.py check fails on the example timeline: {check.stderr.strip()[:300]}"
            else:
                out = tmp_path_factory.mktemp("example") / "site"
                # with a base URL, as the Pages workflow builds it: feed and sitemap too
                result = build(".", out, "--base-url", "https://example.net/timeline/")
                assert result.returncode == 0, result.stderr
                _EXAMPLE["site"] = out
    if "skip" in _EXAMPLE:
        pytest.skip(str(_EXAMPLE["skip"]))
    return _EXAMPLE["site"]  # type: ignore[return-value]


def split_site(tmp_path_factory) -> Path:
    """The basic fixture with page_size 2: the listing moves to archive/
    year and month pages, and the overview strip links into them."""
    project = copy_fixture(tmp_path_factory.mktemp("split") / "project")
    index = project / "content" / "_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("page_size: 500", "page_size: 2"), encoding="utf-8")
    out = project.parent / "site"
    result = build(project, out, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert (out / "archive").is_dir()
    return out


@pytest.fixture(scope="module", params=["basic", "example", "split", "tracks"])
def site(request, tmp_path_factory):
    if request.param == "basic":
        path = built_basic(tmp_path_factory)
    elif request.param == "split":
        path = split_site(tmp_path_factory)
    elif request.param == "tracks":
        path = built_tracks(tmp_path_factory)   # groups, media, eras
    else:
        path = example_site(tmp_path_factory)
    return path, html_pages(path)


def test_every_relative_link_names_a_file_and_every_fragment_exists(site):
    root, pages = site
    ids = {path: set(page.ids) for path, page in pages.items()}
    broken = []
    checked = 0
    for path, page in pages.items():
        for node, attr, value in page.links():
            if ABSOLUTE.match(value.strip()):
                continue
            checked += 1
            target, fragment = site_path(path, value)
            if value.split("#")[0].endswith("/") or value == "":
                broken.append(f"{path}: {node.tag} {attr}={value!r} names a folder, not a file")
                continue
            if target.startswith("../") or target == "..":
                broken.append(f"{path}: {value!r} leaves the site")
                continue
            if not (root / target).is_file():
                broken.append(f"{path}: {node.tag} {attr}={value!r} -> {target} does not exist")
                continue
            if fragment:
                if target not in ids:
                    broken.append(f"{path}: {value!r} has a fragment but {target} is not an HTML page")
                elif fragment not in ids[target]:
                    broken.append(f"{path}: {value!r} -> no id {fragment!r} in {target}")
    assert checked > 50
    assert not broken, "\n".join(broken[:40]) + (f"\n... and {len(broken) - 40} more" if len(broken) > 40 else "")


def test_nothing_leaves_the_site_but_links_to_other_hosts(site):
    root, pages = site
    bad = []
    for path, page in pages.items():
        for node, attr, value in page.links():
            v = value.strip()
            if not ABSOLUTE.match(v):
                continue
            if node.tag == "a" and attr == "href" and re.match(r"^(https?://[^/]|mailto:)", v, re.I):
                continue
            bad.append(f"{path}: <{node.tag} {attr}={value!r}>")
        for node in page.root.iter():
            srcset = node.attrs.get("srcset")
            if srcset and ABSOLUTE.search(srcset):
                bad.append(f"{path}: <{node.tag} srcset={srcset!r}>")
    assert not bad, "\n".join(bad[:40])


def test_nothing_is_loaded_from_another_host(site):
    """Inline styles, <style> and the site's CSS load nothing by URL from elsewhere."""
    root, pages = site
    bad = []
    for path, page in pages.items():
        styles = [n.text() for n in page.root.find_all("style")] + [n.attrs.get("style") or "" for n in page.root.iter()]
        for css in styles:
            for m in CSS_URL.finditer(css):
                url = (m[1] or m[2]).strip()
                if ABSOLUTE.match(url) and not url.lower().startswith("data:"):
                    bad.append(f"{path}: CSS loads {url}")
    for css_file in root.rglob("*.css"):
        for m in CSS_URL.finditer(css_file.read_text(encoding="utf-8")):
            url = (m[1] or m[2]).strip()
            if ABSOLUTE.match(url) and not url.lower().startswith("data:"):
                bad.append(f"{css_file.relative_to(root)}: loads {url}")
            elif not ABSOLUTE.match(url):
                target = (css_file.parent / url.split("#")[0].split("?")[0]).resolve()
                if not target.is_file():
                    bad.append(f"{css_file.relative_to(root)}: {url} does not exist")
    for js_file in root.rglob("*.js"):
        text = js_file.read_text(encoding="utf-8")
        for m in re.finditer(r"""(?:fetch|import|importScripts)\s*\(\s*['"](https?:)?//""", text):
            bad.append(f"{js_file.relative_to(root)}: loads from another host: {m[0]}")
    assert not bad, "\n".join(bad)


def test_every_page_is_reachable_from_the_home_page(site):
    """Following links from index.html reaches every HTML page but 404.html."""
    root, pages = site
    seen, todo = {"index.html"}, ["index.html"]
    while todo:
        path = todo.pop()
        for node, attr, value in pages[path].links():
            if ABSOLUTE.match(value.strip()):
                continue
            target, _ = site_path(path, value)
            if target in pages and target not in seen:
                seen.add(target)
                todo.append(target)
    unreachable = sorted(set(pages) - seen - {"404.html"})
    assert not unreachable, f"pages no link leads to: {unreachable}"


def test_internal_links_in_feed_and_sitemap_name_files(site):
    """feed.xml and sitemap.xml (absolute URLs under base_url) name files of the site."""
    import xml.etree.ElementTree as ET

    root, pages = site
    files = set(snapshot(root))
    if "sitemap.xml" not in files:
        pytest.skip("this site has no base_url")
    locs = [e.text for e in ET.parse(root / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    base = locs[0][: locs[0].index("index.html")] if locs and "index.html" in locs[0] else None
    assert base, locs[:3]
    for loc in locs:
        assert loc.startswith(base) and not loc.endswith("/"), loc
        assert site_path("index.html", loc[len(base):])[0] in files, loc
    feed = ET.parse(root / "feed.xml").getroot()
    for link in feed.iter("{http://www.w3.org/2005/Atom}link"):
        href = link.get("href")
        assert href.startswith(base) and not href.endswith("/"), href
        assert site_path("index.html", href[len(base):])[0] in files, href
