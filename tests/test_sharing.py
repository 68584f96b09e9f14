"""What a shared link shows: every page's own description and OpenGraph
tags (absolute og:url and og:image only with base_url), and the JSON-LD of
entry pages, read from the built pages."""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

from conftest import build_site
from helpers import FIXTURES


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []       # (name or property, content)
        self.ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs and (attrs.get("name") or attrs.get("property")):
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs["content"]))
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"
        if self._in_ld:
            self.ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.ld[-1] += data


def _read(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def _one(head: _Head, name: str) -> str | None:
    values = [c for n, c in head.meta if n == name]
    assert len(values) <= 1, (name, values)
    return values[0] if values else None


def _site(tmp_path: Path, name: str, base_url: bool) -> Path:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    if not base_url:
        index = project / "content" / "_index.md"
        index.write_text(re.sub(r"(?m)^base_url:.*\n", "", index.read_text(encoding="utf-8")), encoding="utf-8")
    result = build_site(project / "content", project / "seeds", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    return tmp_path / "site"


@pytest.mark.parametrize("name, base_url", [("basic", True), ("basic", False), ("tracks", True)])
def test_every_page_has_its_own_description_and_opengraph_tags(tmp_path, name, base_url):
    site = _site(tmp_path, name, base_url)
    timeline = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    base = timeline.get("base_url")
    assert bool(base) == base_url
    entries = {f"entries/{e['slug']}.html": e for e in timeline["entries"]}
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    descriptions: dict[str, str] = {}
    for rel in pages:
        head = _read(site / rel)
        description = _one(head, "description")
        assert description and description.strip() == description, rel
        descriptions[rel] = description
        assert _one(head, "og:description") == description, rel
        assert _one(head, "og:title"), rel
        assert _one(head, "og:site_name") == timeline["title"], rel
        assert re.fullmatch(r"[a-z]{2,3}(_[A-Za-z0-9]+)*", _one(head, "og:locale")), rel
        assert _one(head, "og:type") == ("article" if rel in entries else "website"), rel
        url, image = _one(head, "og:url"), _one(head, "og:image")
        if not base_url:
            assert url is None and image is None, rel
            continue
        assert url == (base if rel == "index.html" else base + quote(rel)), rel
        entry = entries.get(rel)
        pictures = [m["file"] for m in entry["media"] if m.get("file")] if entry else []
        if pictures:
            assert image == base + quote(pictures[0])
            assert (site / pictures[0]).is_file()
        else:
            assert image is None, rel
    # Each page's own: no two pages share a description.
    seen: dict[str, str] = {}
    for rel, text in descriptions.items():
        assert text not in seen, f"{rel} and {seen.get(text)} share the description {text!r}"
        seen[text] = rel
    # An entry's is its body's first sentences (its words as its page shows them).
    for rel, entry in entries.items():
        page = (site / rel).read_text(encoding="utf-8")
        body = re.search(r'<section class="body"[^>]*>(.*?)</section>', page, re.S)
        if body:
            words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", body.group(1))).split())
            # Its first sentence opens the summary (tables and footnotes are left out of it).
            first = re.split(r"(?<=[.!?])\s", descriptions[rel].rstrip("…"))[0]
            squeezed = "".join(words.split())
            assert squeezed.find("".join(first.split())) in (0, len("Summary")), (rel, descriptions[rel])
            assert len(descriptions[rel]) <= 220
        else:
            assert entry["title"] in descriptions[rel]
    # A source's: its publisher and title.
    for source in timeline["sources"]:
        text = descriptions[f"sources/{source['id']}.html"]
        assert source["publisher"] in text and source["title"] in text


@pytest.mark.parametrize("name, base_url", [("basic", True), ("basic", False), ("tracks", False)])
def test_entry_pages_carry_json_ld(tmp_path, name, base_url):
    site = _site(tmp_path, name, base_url)
    timeline = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in timeline["sources"]}
    base = timeline.get("base_url")
    for entry in timeline["entries"]:
        rel = unquote(entry["url"])
        raw = (site / rel).read_text(encoding="utf-8")
        head = _read(site / rel)
        assert len(head.ld) == 1, rel
        assert "</" not in head.ld[0]
        data = json.loads(head.ld[0])
        page_url = (base or "https://site.invalid/") + entry["url"]

        def resolve(link: str) -> str:
            return urljoin(page_url, link)

        def in_site(link: str) -> Path:
            full = resolve(link)
            root = base or "https://site.invalid/"
            assert full.startswith(root), link
            return site / unquote(urlsplit(full[len(root):]).path)

        assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
        assert data["headline"] == entry["title"] and data["inLanguage"] == timeline["language"]
        event = data["about"]
        assert event["@type"] == "Event" and event["name"] == entry["title"]
        assert event["startDate"] == entry["date"] and event.get("endDate") == entry.get("end")
        assert (event.get("location") or {}).get("name") == entry.get("place")
        articles = [c for c in data["citation"] if c["@type"] == "NewsArticle"]
        quotes = [c for c in data["citation"] if c["@type"] == "Quotation"]
        cited = list(dict.fromkeys([c["id"] for c in entry["sources"]] + [q["source"] for q in entry["quotes"]]
                                   + [x["source"] for x in entry["figures"]]))
        assert len(articles) == len(cited)
        for article, sid in zip(articles, cited):
            source = sources[sid]
            assert article["headline"] == source["title"]
            assert article["publisher"]["name"] == source["publisher"]
            assert article["datePublished"] == source["published"]
            assert article.get("url") == source.get("url")
            archived = in_site(article["archivedAt"])
            assert archived == site / "sources" / f"{sid}.html" and archived.is_file()
            if base_url:
                assert article["archivedAt"].startswith(base)
        ids = {a["@id"] for a in articles}
        assert [(q["text"], q["spokenByCharacter"]["name"]) for q in quotes] == \
            [(q["text"], q["by"]) for q in entry["quotes"]]
        for quote_ld, q in zip(quotes, entry["quotes"]):
            assert quote_ld["isBasedOn"]["@id"] in ids
            assert in_site(quote_ld["isBasedOn"]["@id"]) == site / "sources" / f"{q['source']}.html"
        assert "application/ld+json" in raw
