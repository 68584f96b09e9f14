"""An article's text and what its page states about it, for `build.py
capture`.

The text: trafilatura decides which parts of the page are the article
(it leaves out navigation, banners, share buttons, related stories and
the like); the words are then taken from the page itself, block by block
in the page's order, so that they are exactly the page's own (trafilatura
may join, split or change them). Two kinds of article text that
trafilatura drops are kept from the page: the captions of the article's
pictures and its standfirst. A caption's credit line ("Image: AP") is a
line of its own, listed as furniture.

The facts: JSON-LD first, then OpenGraph, then other <meta> tags (the
title: then the article's headline, then the page's <title>), then a
<time> of the article, then htmldate over the markup only; a fact none of
them states is left out, never guessed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import lxml.html
import trafilatura

from ..verify import normalise

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "dd", "dt",
              "td", "th", "div", "section", "header", "figure", "ul", "ol", "dl", "table", "tr", "tbody",
              "article", "main", "aside", "footer", "nav", "form", "caption"}
DROP_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
             "textarea", "nav", "object", "embed", "canvas"]
CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline", re.I)
CREDIT_TEXT = re.compile(r"\s*(\(?(?:image|photo|picture|foto|bild|credit|source|©)\s*:?\s.{1,120}?\)?)\s*$", re.I)
STANDFIRST_CLASS = re.compile(r"standfirst|dek|intro|lede|lead|summary|teaser|subtitle|subhead", re.I)
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
                 "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting",
                 "Report", "ScholarlyArticle", "WebPage"}


@dataclass
class Extracted:
    paragraphs: list[str]
    furniture: list[int]                    # line numbers (from 1) in the text file
    unmatched: list[str] = field(default_factory=list)   # trafilatura's words not found as the page has them

    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"


class NoArticle(Exception):
    pass


def extract(html: str) -> Extracted:
    """The article's text, its paragraphs as the page has them."""
    found = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                                deduplicate=False) or ""
    kept_text = normalise(" ".join(found.split()))
    if len(kept_text) < 40:
        raise NoArticle()
    tree = lxml.html.fromstring(html)
    for element in list(tree.iter(*DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    # Each line of the page's blocks, and whether the extractor read it too.
    blocks = [(element, line, credit, bool(normalise(line)) and normalise(line) in kept_text)
              for element, line, credit in _blocks(tree)]
    matched = [element for element, _, _, read in blocks if read]
    if not matched:
        raise NoArticle()
    container = _common_ancestor(matched)
    paragraphs: list[str] = []
    furniture: list[int] = []
    for element, line, credit, read in blocks:
        if not read and not (container is not None and _within(element, container)
                             and (_in_caption(element) or _standfirst(element))):
            continue
        if credit:
            furniture.append(len(paragraphs) + 1)
        paragraphs.append(line)
    # Lines the page repeats (a caption shown twice) are one paragraph once.
    paragraphs, furniture = _without_repeats(paragraphs, furniture)
    shown = normalise(" ".join(paragraphs))
    unmatched = [line for line in found.splitlines() if line.strip() and normalise(" ".join(line.split())) not in shown]
    # Line numbers: paragraphs are separated by one blank line.
    return Extracted(paragraphs, [2 * n - 1 for n in furniture], unmatched)


def _is_block(node) -> bool:
    return isinstance(node.tag, str) and node.tag in BLOCK_TAGS


def _blocks(tree):
    """(element, line, is_credit) for each line of text of each block, in
    the page's order; <br> ends a line. A block holding other blocks gives
    only the text between them."""
    holders: set[int] = set()
    for element in tree.iter():
        if _is_block(element):
            for ancestor in element.iterancestors():
                if id(ancestor) in holders:
                    break
                holders.add(id(ancestor))
    for element in tree.iter():
        if not _is_block(element):
            continue
        if id(element) in holders:
            for line in _own_runs(element):
                yield element, line, False
            continue
        caption = _in_caption(element)
        credits = [child for child in element.iterdescendants() if isinstance(child.tag, str)
                   and CREDIT_CLASS.search(child.get("class", "") + " " + child.get("id", ""))] if caption else []
        if credits:
            skip = {id(part) for part in credits}
            for line in _lines(element, skip):
                yield element, line, False
            for part in credits:
                for line in _lines(part):
                    yield element, line, True
            continue
        for line in _lines(element):
            match = CREDIT_TEXT.search(line) if caption else None
            if match and match.start(1) > 0:
                yield element, line[: match.start(1)].rstrip(), False
                yield element, match.group(1).strip(), True
            else:
                yield element, line, False


def _lines(element, skip: set[int] = frozenset()) -> list[str]:
    """The element's text, a line per <br>, white space collapsed; the
    elements in `skip` left out."""
    parts: list[str] = []
    current: list[str] = []

    def walk(node) -> None:
        if isinstance(node.tag, str) and node.tag == "br":
            parts.append("".join(current))
            current.clear()
        elif isinstance(node.tag, str) and id(node) not in skip:
            current.append(node.text or "")
            for child in node:
                walk(child)
                current.append(child.tail or "")

    walk(element)
    parts.append("".join(current))
    return [" ".join(part.split()) for part in parts if part.split()]


def _own_runs(element) -> list[str]:
    runs, current = [], [element.text or ""]
    for child in element:
        if _is_block(child):
            runs.append("".join(current))
            current = [child.tail or ""]
        else:
            current.append(child.text_content() if isinstance(child.tag, str) and child.tag != "br" else "\n")
            current.append(child.tail or "")
    runs.append("".join(current))
    return [" ".join(run.split()) for text in runs for run in text.split("\n") if run.split()]


def _in_caption(element) -> bool:
    return any(node.tag in ("figcaption", "caption") for node in element.iterancestors()) or \
        element.tag in ("figcaption", "caption")


def _standfirst(element) -> bool:
    return element.tag in ("p", "div", "h2") and bool(
        STANDFIRST_CLASS.search(element.get("class", "") + " " + element.get("id", "")))


def _common_ancestor(elements):
    chains = [[element, *element.iterancestors()] for element in elements]
    shared = set(map(id, chains[0]))
    for chain in chains[1:]:
        shared &= set(map(id, chain))
    for node in chains[0]:
        if id(node) in shared:
            return node
    return None


def _within(element, container) -> bool:
    return element is container or any(node is container for node in element.iterancestors())


def _without_repeats(paragraphs: list[str], furniture: list[int]) -> tuple[list[str], list[int]]:
    seen: set[str] = set()
    out: list[str] = []
    marks: list[int] = []
    for i, line in enumerate(paragraphs, start=1):
        if line in seen:
            continue
        seen.add(line)
        out.append(line)
        if i in furniture:
            marks.append(len(out))
    return out, marks


# ---- what the page states ----

@dataclass
class Facts:
    publisher: str | None = None
    title: str | None = None
    published: str | None = None       # YYYY-MM-DD
    author: str | None = None
    url: str | None = None             # the canonical address the page states


def facts(html: str) -> Facts:
    tree = lxml.html.fromstring(html)
    found = Facts()
    for item in _json_ld(tree):
        _fill(found, "publisher", _name(item.get("publisher")))
        _fill(found, "title", _plain(item.get("headline")))
        _fill(found, "published", _day(item.get("datePublished")))
        _fill(found, "author", _name(item.get("author")))
        _fill(found, "url", _plain(item.get("url")) or _name_or_id(item.get("mainEntityOfPage")))
    meta = _meta(tree)
    _fill(found, "publisher", meta.get("og:site_name"))
    _fill(found, "title", meta.get("og:title"))
    _fill(found, "published", _day(meta.get("article:published_time")))
    author = meta.get("article:author")
    _fill(found, "author", author if author and not author.startswith(("http://", "https://")) else None)
    _fill(found, "url", meta.get("og:url"))
    for name in ("publisher", "application-name", "dc.publisher"):
        _fill(found, "publisher", meta.get(name))
    for name in ("dc.title", "title", "twitter:title"):
        _fill(found, "title", meta.get(name))
    for name in ("date", "dc.date", "dc.date.issued", "pubdate", "publish-date", "datepublished",
                 "sailthru.date", "parsely-pub-date", "citation_publication_date"):
        _fill(found, "published", _day(meta.get(name)))
    for name in ("author", "dc.creator", "citation_author", "parsely-author"):
        _fill(found, "author", meta.get(name))
    headline = tree.xpath("//article//h1 | //main//h1") or tree.xpath("//h1")
    _fill(found, "title", headline[0].text_content() if headline else None)
    _fill(found, "title", tree.findtext(".//title"))
    canonical = tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    _fill(found, "url", canonical[0].strip() if canonical else None)
    if found.published is None:
        times = tree.xpath("//article//time[@datetime] | //time[@pubdate][@datetime]")
        _fill(found, "published", _day(times[0].get("datetime")) if times else None)
    if found.published is None:
        try:
            import htmldate
            stated = htmldate.find_date(html, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
        except Exception:
            stated = None
        _fill(found, "published", stated)
    if found.url is not None and not found.url.startswith(("http://", "https://")):
        found.url = None
    return found


def _fill(found: Facts, name: str, value: str | None) -> None:
    if getattr(found, name) is None and value:
        value = " ".join(str(value).split())
        if value:
            setattr(found, name, value)


def _json_ld(tree) -> list[dict]:
    items: list[dict] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for child in node:
                visit(child)
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(kind in ARTICLE_TYPES for kind in kinds):
                items.append(node)
            visit(node.get("@graph"))

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            visit(json.loads(script.text or ""))
        except ValueError:
            continue
    # An article before a mere web page.
    return sorted(items, key=lambda item: "WebPage" in str(item.get("@type")))


def _meta(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if name and name not in found and element.get("content", "").strip():
            found[name] = element.get("content").strip()
    return found


def _plain(value) -> str | None:
    return value if isinstance(value, str) else None


def _name(value) -> str | None:
    """A person's or an organisation's name as JSON-LD gives it (a string,
    an object with a name, or a list of them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _plain(value.get("name"))
    if isinstance(value, list):
        names = [name for name in map(_name, value) if name]
        return ", ".join(names) if names else None
    return None


def _name_or_id(value) -> str | None:
    if isinstance(value, dict):
        return _plain(value.get("@id")) or _plain(value.get("url"))
    return _plain(value)


def _day(value) -> str | None:
    """The day an ISO date (or date and time) names, as the page wrote it."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None
