"""An article's text and what its page states about it, for `build.py
capture`.

The text is what a reader of the page sees of the article, in the page's
own words and order. The page is read into lines: each block element (a
paragraph, a heading, a list item, a table cell...) and each `<br>` ends
one, so a block gives its lines once, in the page's order, and a line is
never two blocks glued together. What no reader sees is gone before
anything is read: `<script>`, `<noscript>`, `<template>`, the `hidden`
attribute, an inline `display: none` or `visibility: hidden`. Then
trafilatura decides which parts are the article (leaving out navigation,
banners, share buttons, related stories and the like), and each line of
the page is kept where trafilatura read it at that point of its text: the
words kept are the page's, not trafilatura's (it joins, splits and marks
up some). Article text that trafilatura drops is taken back from inside
the article: its headline, its standfirst, the captions of its pictures
(a credit line, "Image: AP", a line of its own, listed as furniture) and
the paragraphs of its body (`itemprop=articleBody`, else the one
`<article>` that holds what trafilatura read).

The facts: JSON-LD first, then OpenGraph, then other <meta> tags (the
title: then the article's headline, then the page's <title>), then a
<time> of the article, then htmldate over the markup only; a fact none of
them states is left out, never guessed, and a date that cannot be the
article's (a placeholder such as 0001-01-01, a day after the capture) is
not a fact."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from ..check.verify import normalise

# Elements that end a line of text where they start and where they end.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
# Never shown to a reader as text (or, for <nav>, never article text).
UNSEEN_TAGS = ("head", "script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea",
               "input", "option", "object", "embed", "canvas", "audio", "video", "map", "nav")
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!\s*important\s*)?(?:;|$)",
                          re.I)
CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline", re.I)
CREDIT_TEXT = re.compile(r"\s*(\(?(?:image|photo|picture|foto|bild|credit|source|©)\s*:?\s.{1,120}?\)?)\s*$", re.I)
STANDFIRST_CLASS = re.compile(r"standfirst|\bdek\b|intro|lede|\blead\b|summary|subtitle|subhead|description", re.I)
# Parts of an article's container that hold no article text.
FURNITURE_CLASS = re.compile(
    r"share|social|related|recommend|newsletter|signup|subscribe|promo|advert|\bads?\b|\bad-|sponsor|cookie|consent|"
    r"comment|footer|breadcrumb|\btags?\b|keywords|toolbar|byline|author|meta|more-|read-?more|teaser|outbrain|"
    r"taboola|paywall|banner|popup|modal|skip", re.I)
# Notices that sit among an article's paragraphs and are none of them.
NOTICE = re.compile(r"©|\bcopyright\b|all rights reserved|newsletter|subscribe|\bapp\b", re.I)
ARTICLE_BODY = "//*[@itemprop='articleBody' or @itemprop='articlebody']"
# A line this long (letters and digits, white space left out) is taken to
# be the same line wherever trafilatura's text has it; a shorter one
# ("Home", "12") only where trafilatura's text is when it comes.
LONG_LINE = 25
# A page whose kept text is mostly the words of links is a list of
# links (a section front, an index), not an article.
LINKED_SHARE = 0.6
MIN_TEXT = 40
# How far (in lines) a standfirst may be from the headline and the text.
LEDE_REACH = 8
LEDE_BLOCKERS = re.compile(r"share|social|related|recommend|newsletter|cookie|consent|comment|promo|advert|banner|"
                           r"sidebar|footer", re.I)
# Blocks that hold a body's paragraphs (a <div> too: some pages use no <p>).
PROSE_TAGS = ("p", "div")
# Publishing systems' stand-ins for "no date": the first day of their
# calendar (0001-01-01, 1900-01-01) and of Unix time.
EARLIEST = date(1900, 1, 2)
PLACEHOLDER_DAYS = {date(1970, 1, 1)}
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
                 "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting",
                 "Report", "ScholarlyArticle", "WebPage"}


# Characters that shape how text is shown and are no part of its words.
_FORMAT_CHARACTERS = {n: None for n in (0xAD, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@dataclass
class Extracted:
    paragraphs: list[str]
    furniture: list[int]                    # line numbers (from 1) in the text file
    unmatched: list[str] = field(default_factory=list)   # what trafilatura read that is not kept

    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"


class NoArticle(Exception):
    """The page holds no article text; the message says what it holds."""


@dataclass
class Line:
    """A line of the page's text as a reader sees it, and the block element
    it is a line of (held, not named by id: lxml makes and frees its
    Python objects on the fly)."""

    text: str
    block: HtmlElement
    linked: int              # how many of its letters are a link's
    credit: bool = False


def parse(html: str) -> HtmlElement:
    """The page's tree. Given as bytes with the encoding named, so that an
    XHTML page's XML declaration does not stop the parser."""
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True,
                                                                         remove_pis=True))
    except (etree.ParserError, ValueError):
        raise NoArticle("the page holds no markup") from None


def extract(html: str, title: str | None = None) -> Extracted:
    """The article's text, its paragraphs as the page shows them. `title`:
    the headline the page states, to know the article's own <h1>."""
    tree = parse(html)
    _drop_unseen(tree)
    body = tree.find("body")
    if body is None:
        body = tree
    lines = _read_lines(body)
    markup = lxml.html.tostring(tree, encoding="unicode")
    # trafilatura's two ways: leaning to recall finds more of the text, its
    # default finds some that the other misses; a line either read is read.
    pieces = _pieces(trafilatura.extract(markup, include_comments=False, include_tables=True, favor_recall=True,
                                         deduplicate=False) or "")
    if len(_letters(" ".join(pieces))) < MIN_TEXT:
        raise NoArticle("no article text found")
    more = _pieces(trafilatura.extract(markup, include_comments=False, include_tables=True, deduplicate=False) or "")
    # What only the recall-leaning way read is kept unless it is a link to
    # elsewhere ("Read more: ...") or in a part of the page that is
    # furniture by its name.
    read = [precise or (recalled and not (_mostly_linked(line) or _furniture(line.block, None)))
            for line, recalled, precise in zip(lines, _align(lines, pieces), _align(lines, more))]
    if not any(read):
        raise NoArticle("no article text found")
    kept = _recover(tree, lines, read, title)
    chosen = [line for line, keep in zip(lines, kept) if keep]
    _refuse_link_lists(chosen)
    paragraphs = [line.text for line in chosen]
    furniture = [2 * n - 1 for n, line in enumerate(chosen, 1) if line.credit]
    shown = _letters(" ".join(paragraphs))
    unmatched = [piece for piece in pieces if _letters(piece) and _letters(piece) not in shown]
    return Extracted(paragraphs, furniture, unmatched)


def visible_text(html: str) -> str:
    """The page's text as a reader sees it, a line per line of the page."""
    tree = parse(html)
    _drop_unseen(tree)
    body = tree.find("body")
    return "\n".join(line.text for line in _read_lines(body if body is not None else tree))


def _letters(text: str) -> str:
    """The text to compare, white space and invisible format characters
    (bidirectional marks) left out: the page and trafilatura space some
    words differently (around inline markup), and trafilatura drops those."""
    return "".join(normalise(text).translate(_FORMAT_CHARACTERS).split())


def _drop_unseen(tree: HtmlElement) -> None:
    for element in list(tree.iter(etree.Element)):
        if not isinstance(element.tag, str):
            continue
        if (element.tag in UNSEEN_TAGS or element.get("hidden") is not None
                or HIDDEN_STYLE.search(element.get("style") or "")):
            if element.getparent() is not None:
                element.drop_tree()


def _read_lines(body: HtmlElement) -> list[Line]:
    """Every line of text under `body`, once, in the page's order."""
    lines: list[Line] = []
    buffer: list[str] = []
    linked = 0
    blocks: list[HtmlElement] = [body]
    in_links = 0
    credits = 0

    def flush() -> None:
        nonlocal linked
        # A soft hyphen is a place where a word may break, not a letter.
        text = " ".join("".join(buffer).replace("\xad", "").split())
        if text:
            lines.append(Line(text, blocks[-1], linked, credit=credits > 0))
        buffer.clear()
        linked = 0

    def add(text: str | None) -> None:
        nonlocal linked
        if text:
            buffer.append(text)
            if in_links:
                linked += len("".join(text.split()))

    stack: list[tuple[HtmlElement, bool]] = [(body, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        starts_line = tag in BLOCK_TAGS or _is_credit(element)
        if closing:
            if starts_line:
                flush()
                blocks.pop()
                credits -= _is_credit(element)
            elif tag == "a":
                in_links -= 1
            if element is not body:
                add(element.tail)
            continue
        if tag == "br":
            flush()
        elif starts_line:
            flush()
            blocks.append(element)
            credits += _is_credit(element)
        elif tag == "a":
            in_links += 1
        if tag:
            add(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    flush()
    return _split_credits(lines)


def _is_credit(element: HtmlElement) -> bool:
    return (isinstance(element.tag, str) and bool(CREDIT_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"))
            and _in_caption(element) and element.tag not in ("figcaption", "caption"))


def _split_credits(lines: list[Line]) -> list[Line]:
    """A caption's credit written at its end ("... Photo: AP") is a line of
    its own."""
    out: list[Line] = []
    for line in lines:
        match = CREDIT_TEXT.search(line.text) if not line.credit and _in_caption(line.block) else None
        if match and match.start(1) > 0:
            out.append(Line(line.text[: match.start(1)].rstrip(), line.block, 0))
            out.append(Line(match.group(1).strip(), line.block, 0, credit=True))
        else:
            out.append(line)
    return out


def _pieces(found: str) -> list[str]:
    """trafilatura's text, its list and table markers left out."""
    pieces: list[str] = []
    for line in found.splitlines():
        line = line.strip()
        if line.startswith("|"):
            pieces.extend(cell.strip() for cell in line.strip("|").split(" | ") if cell.strip())
        elif line.startswith("- "):
            pieces.append(line[2:])
        elif line:
            pieces.append(line)
    return pieces


def _align(lines: list[Line], pieces: list[str]) -> list[bool]:
    """Which of the page's lines trafilatura read, where it read them. A
    long line is found anywhere in trafilatura's text (at a word's start
    and end, each stretch of it taken once), and those found in order are
    the landmarks; a short line only between the landmarks around it, so
    that "Home" or "12" is read only where trafilatura read the text around
    it. A line that holds the whole of one of trafilatura's long lines is
    read too (trafilatura left part of it out)."""
    words: list[str] = []
    starts: set[int] = set()
    ends: set[int] = set()
    length = 0
    for piece in pieces:
        for word in normalise(piece).split():
            starts.add(length)
            words.append(word)
            length += len(word)
            ends.add(length)
    text = "".join(words)
    long_pieces = [letters for letters in map(_letters, pieces) if len(letters) >= LONG_LINE]
    taken: list[tuple[int, int]] = []

    def find(needle: str, at: int, until: int) -> int:
        i = text.find(needle, at, until)
        while i >= 0 and not (i in starts and i + len(needle) in ends
                              and not any(a < i + len(needle) and i < b for a, b in taken)):
            i = text.find(needle, i + 1, until)
        return i

    needles = [_letters(line.text) for line in lines]
    read = [False] * len(lines)
    # Where each landmark's text starts and ends in trafilatura's text.
    marks: dict[int, tuple[int, int]] = {}
    cursor = 0
    for n, needle in enumerate(needles):
        if len(needle) < LONG_LINE:
            continue
        i = find(needle, cursor, len(text))
        if i >= 0:
            marks[n] = (i, i + len(needle))
            cursor = i + len(needle)
        else:
            i = find(needle, 0, cursor)
        if i >= 0:
            taken.append((i, i + len(needle)))
            read[n] = True
        elif any(piece in needle for piece in long_pieces):
            read[n] = True
    window_start, n = 0, 0
    while n < len(lines):
        if n in marks:
            window_start = marks[n][1]
            n += 1
            continue
        following = next((k for k in range(n + 1, len(lines)) if k in marks), len(lines))
        window_end = marks[following][0] if following in marks else len(text)
        at = window_start
        for k in range(n, following):
            if read[k] or not needles[k]:
                continue
            i = find(needles[k], at, window_end)
            if i >= 0:
                read[k] = True
                taken.append((i, i + len(needles[k])))
                at = i + len(needles[k])
        n = following
    return read


def _recover(tree: HtmlElement, lines: list[Line], read: list[bool], title: str | None) -> list[bool]:
    """What is kept: the lines trafilatura read, and the article's text it
    left out (headline, standfirst, captions, body paragraphs)."""
    kept = list(read)
    read_blocks = [line.block for line, was in zip(lines, read) if was]
    container = _container(tree, read_blocks)
    first = read.index(True)
    standfirst_taken = False
    for n, line in enumerate(lines):
        if kept[n] or container is None or not _within(line.block, container):
            continue
        if _in_link(line.block) or _furniture(line.block, container):
            continue
        if _in_caption(line.block):
            kept[n] = True
        elif n < first and not standfirst_taken and _standfirst(line.block):
            kept[n] = standfirst_taken = True
        elif _prose(line):
            kept[n] = True
    for n in _lede(lines, read, first):
        kept[n] = True
    # The headline: the page's <h1> that is the stated title, before the text.
    headline = _headline(lines, kept, title)
    if headline is not None:
        kept[headline] = True
    return kept


def _lede(lines: list[Line], read: list[bool], first: int) -> list[int]:
    """The article's own standfirst where trafilatura left it out: its
    sentences between the article's headline (the last <h1> or <h2> by the
    start of the text) and the text that follows it. Never the words of a
    link (other stories' teasers are links), nor furniture."""
    heading = next((n for n in range(first, max(-1, first - LEDE_REACH), -1)
                    if lines[n].block.tag in ("h1", "h2")), None)
    if heading is None:
        return []
    # The text starts at its first sentences read, not at a date or a
    # picture's credit read before them.
    following = next((n for n in range(heading + 1, len(lines)) if read[n] and len(lines[n].text.split()) >= 8),
                     len(lines))
    return [n for n in range(heading + 1, min(following, heading + LEDE_REACH))
            if not read[n] and _prose(lines[n]) and not _in_link(lines[n].block)
            and not any(LEDE_BLOCKERS.search(f"{node.get('class', '')} {node.get('id', '')}")
                        for node in (lines[n].block, *lines[n].block.iterancestors())
                        if node.tag not in ("body", "html"))]


def _container(tree: HtmlElement, read_blocks: list[HtmlElement]) -> HtmlElement | None:
    """The element that holds the article's text: its articleBody, else the
    <article> holding most of what trafilatura read, else None (then only
    what trafilatura read is kept, and captions and standfirst within the
    nearest element that holds all of it)."""
    for candidate in tree.xpath(ARTICLE_BODY):
        inside = sum(_within(block, candidate) for block in read_blocks)
        if inside * 2 >= len(read_blocks):
            return candidate
    articles = tree.xpath("//article")
    best, best_inside = None, 0
    for candidate in articles:
        inside = sum(_within(block, candidate) for block in read_blocks)
        if inside > best_inside:
            best, best_inside = candidate, inside
    if best is not None and best_inside * 2 >= len(read_blocks):
        return best
    return _common_ancestor(read_blocks)


def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement | None:
    chain = [elements[0], *elements[0].iterancestors()]
    depth = {node: n for n, node in enumerate(chain)}   # holds the nodes, so each keeps its one Python object
    lowest = 0
    for element in elements[1:]:
        node: HtmlElement | None = element
        while node is not None and node not in depth:
            node = node.getparent()
        if node is None:
            return None
        lowest = max(lowest, depth[node])
    found = chain[lowest]
    return None if found.tag in ("html", "body") else found


def _within(element: HtmlElement, container: HtmlElement) -> bool:
    return element is container or any(node is container for node in element.iterancestors())


def _in_link(element: HtmlElement) -> bool:
    return element.tag == "a" or any(node.tag == "a" for node in element.iterancestors())


def _furniture(element: HtmlElement, container: HtmlElement | None) -> bool:
    node: HtmlElement | None = element
    while node is not None and node is not container and node.tag not in ("body", "html"):
        if node.tag in ("aside", "footer") or FURNITURE_CLASS.search(
                f"{node.get('class', '')} {node.get('id', '')}"):
            return True
        node = node.getparent()
    return False


def _in_caption(element: HtmlElement) -> bool:
    return element.tag in ("figcaption", "caption") or any(
        node.tag in ("figcaption", "caption") for node in element.iterancestors())


def _standfirst(element: HtmlElement) -> bool:
    return element.tag in ("p", "div", "h2") and bool(
        STANDFIRST_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"))


def _prose(line: Line) -> bool:
    """A paragraph of the article's body: a <p> of some sentences, not a
    link's words."""
    words = line.text.split()
    letters = len("".join(words))
    return (line.block.tag in PROSE_TAGS and len(words) >= 8 and line.linked * 2 < letters
            and line.text.rstrip()[-1:] in ".!?:;\"'”’»)…" and not NOTICE.search(line.text))


def _mostly_linked(line: Line) -> bool:
    return line.linked * 2 >= len("".join(line.text.split()))


def _headline(lines: list[Line], kept: list[bool], title: str | None) -> int | None:
    if not title or True not in kept:
        return None
    first = kept.index(True)
    wanted = normalise(title).casefold()
    for n, line in enumerate(lines[:first]):
        if line.block.tag == "h1":
            said = normalise(line.text).casefold()
            if said and (said in wanted or wanted in said):
                return n
    return None


def _refuse_link_lists(chosen: list[Line]) -> None:
    letters = sum(len("".join(line.text.split())) for line in chosen)
    linked = sum(min(line.linked, len("".join(line.text.split()))) for line in chosen)
    unlinked = letters - linked
    if unlinked < MIN_TEXT:
        raise NoArticle("no article text found")
    if linked > LINKED_SHARE * letters:
        raise NoArticle(f"it is a list of links, not an article ({linked * 100 // letters} % of its text is the "
                        "words of links)")


# ---- what the page states ----

@dataclass
class Facts:
    publisher: str | None = None
    title: str | None = None
    published: str | None = None       # YYYY-MM-DD
    author: str | None = None
    url: str | None = None             # the canonical address the page states


def facts(html: str, captured: date) -> Facts:
    """What the page states about its article. `captured`: the day of the
    capture, after which no date is the article's."""
    tree = parse(html)
    found = Facts()

    def day(value: object) -> str | None:
        return _day(value, captured)

    for item in _json_ld(tree):
        _fill(found, "publisher", _name(item.get("publisher")))
        _fill(found, "title", _plain(item.get("headline")))
        _fill(found, "published", day(item.get("datePublished")))
        _fill(found, "author", _name(item.get("author")))
        _fill(found, "url", _plain(item.get("url")) or _name_or_id(item.get("mainEntityOfPage")))
    meta = _meta(tree)
    _fill(found, "publisher", meta.get("og:site_name"))
    _fill(found, "title", meta.get("og:title"))
    _fill(found, "published", day(meta.get("article:published_time")))
    author = meta.get("article:author")
    _fill(found, "author", author if author and not author.startswith(("http://", "https://")) else None)
    _fill(found, "url", meta.get("og:url"))
    for name in ("publisher", "application-name", "dc.publisher"):
        _fill(found, "publisher", meta.get(name))
    for name in ("dc.title", "title", "twitter:title"):
        _fill(found, "title", meta.get(name))
    for name in ("date", "dc.date", "dc.date.issued", "pubdate", "publish-date", "datepublished",
                 "sailthru.date", "parsely-pub-date", "citation_publication_date"):
        _fill(found, "published", day(meta.get(name)))
    for name in ("author", "dc.creator", "citation_author", "parsely-author"):
        _fill(found, "author", meta.get(name))
    headline = tree.xpath("//article//h1 | //main//h1") or tree.xpath("//h1")
    _fill(found, "title", headline[0].text_content() if headline else None)
    _fill(found, "title", tree.findtext(".//title"))
    canonical = tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    _fill(found, "url", canonical[0].strip() if canonical else None)
    if found.published is None:
        times = tree.xpath("//article//time[@datetime] | //time[@pubdate][@datetime]")
        _fill(found, "published", day(times[0].get("datetime")) if times else None)
    if found.published is None:
        try:
            import htmldate
            stated = htmldate.find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d",
                                        max_date=captured.isoformat())
        except Exception:   # htmldate's own failures on odd markup: then it states nothing
            stated = None
        _fill(found, "published", day(stated))
    if found.url is not None and not found.url.startswith(("http://", "https://")):
        found.url = None
    return found


def _fill(found: Facts, name: str, value: str | None) -> None:
    if getattr(found, name) is None and value:
        value = " ".join(str(value).split())
        if value:
            setattr(found, name, value)


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []

    def visit(node: object) -> None:
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


def _meta(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if name and name not in found and element.get("content", "").strip():
            found[name] = element.get("content").strip()
    return found


def _plain(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _name(value: object) -> str | None:
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


def _name_or_id(value: object) -> str | None:
    if isinstance(value, dict):
        return _plain(value.get("@id")) or _plain(value.get("url"))
    return _plain(value)


def _day(value: object, captured: date) -> str | None:
    """The day an ISO date (or date and time) names, as the page wrote it;
    None for a date that is no article's: not a day of the calendar, a
    publishing system's placeholder (before the first web page), or after
    the capture."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    if day < EARLIEST or day > captured or day in PLACEHOLDER_DAYS:
        return None
    return day.isoformat()
