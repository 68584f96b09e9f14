"""A spreadsheet's simple HTML (TimelineJS's Text, Headline, Media Caption
and Media Credit) as Markdown: paragraphs, links, emphasis and lists kept;
other markup reduced to its text, with the spacing and punctuation a reader
of the page sees; script, style and iframe dropped with their content.
Every piece of text is escaped, so that Markdown reads it as the words it
is.

Emphasis is written only where it is sure to read back as emphasis: tags
that are not closed (or closed without being opened) are left out, white
space inside them moves outside, and each paragraph is rendered back and
compared with its words. A paragraph whose markers Markdown would show as
`*` loses its emphasis, never its words."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

DROPPED = {"script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math"}
BLOCKS = {"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "figure",
          "figcaption", "table", "tr", "header", "footer", "pre", "dl", "dt", "dd", "hr", "address",
          "aside", "main", "nav", "caption", "thead", "tbody", "tfoot"}
# Shown apart from their neighbours, but not paragraphs of their own.
SPACED = {"td", "th"}
EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|<!--")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_BLOCK_START = re.compile(r"^(\s*)([-+=](?=\s|$|[-=])|\d+[.)](?=\s|$))")
_ITEM = re.compile(r"^\s*(- |\d+\. )")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def escape(text: str) -> str:
    """Text that Markdown shows as it is."""
    return _SPECIAL.sub(r"\\\1", text).replace("&", "&amp;") if "&" in text else _SPECIAL.sub(r"\\\1", text)


def web_address(text: str) -> str | None:
    """An address as TimelineJS takes it, written in full: `https://...`
    as it is, `//host/...` and `www.host/...` as https. None for anything
    else (a path, another scheme)."""
    # White space inside an address (a file name with spaces) is percent-encoded, as a browser sends it.
    text = re.sub(r"\s", lambda m: quote(m.group()), text.strip())
    if text.startswith("//") and len(text) > 2 and not text.startswith("///"):
        text = "https:" + text
    elif text[:4].lower() == "www." and len(text) > 4:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return None


def plain_text(text: str) -> str:
    """A cell's words with any markup taken off (a title, an alt text),
    spaced as a browser shows them."""
    if not looks_like_html(text):
        return " ".join(_unescaped(text).split())
    parser = _Converter()
    parser.feed(text)
    parser.close()
    return " ".join(parser.plain().split())


def to_markdown(text: str) -> str:
    """The cell as a Markdown body."""
    if not looks_like_html(text):
        text = _unescaped(text)
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text)]
        return "\n\n".join(_unlisted(escape(p)) for p in paragraphs if p)
    parser = _Converter()
    parser.feed(text)
    parser.close()
    return parser.markdown()


def to_inline_markdown(text: str) -> str:
    """A caption or credit: plain words when the cell holds no markup,
    else Markdown on one line (links and emphasis kept)."""
    if not looks_like_html(text):
        return " ".join(_unescaped(text).split())
    return " ".join(to_markdown(text).split())


def _unescaped(text: str) -> str:
    # These cells are HTML to TimelineJS: "AT&amp;T" reads "AT&T" there.
    return html.unescape(text) if _ENTITY.search(text) else text


def _unlisted(text: str) -> str:
    """A line that Markdown would read as a list item keeps its words."""
    def fix(m: re.Match) -> str:
        mark = m.group(2)
        return m.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)
    return _BLOCK_START.sub(fix, text)


def link_target(href: str) -> str | None:
    """Where a link of the sheet may point in an entry: a web address (in
    any form TimelineJS takes), mailto, or a path of the site; never
    `javascript:` or another scheme."""
    href = href.strip()
    if not href:
        return None
    full = web_address(href)
    if full is not None:
        return full
    scheme = urlsplit(href).scheme.lower()
    if scheme:
        return href if scheme == "mailto" else None
    # A link to a Markdown file would be taken for an entry of ours.
    return None if href.split("#")[0].split("?")[0].lower().endswith(".md") else href


def _encoded(href: str) -> str:
    return (href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            .replace("<", "%3C").replace(">", "%3E"))


# ---- a paragraph as pieces, resolved when it ends ----

@dataclass
class _Piece:
    kind: str            # text, open, close, link_open, link_close, image
    text: str = ""       # words as written (text), the marker (open/close), the address (links)
    alt: str = ""        # an image's alt text
    partner: _Piece | None = None   # the matching open/close tag
    continued: bool = False         # a link going on from the paragraph before


@dataclass
class _Block:
    prefix: str = ""                                     # "- ", "1. " of a list item
    pieces: list[_Piece] = field(default_factory=list)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.block = _Block()
        self.dropping = 0
        self.lists: list[list] = []      # [kind, count] of open lists
        self.links: list[str | None] = []

    # ---- reading ----

    def _flush(self) -> None:
        open_link = self.links[-1] if self.links else None
        if open_link is not None:
            # A link that spans paragraphs is one link in each.
            self.block.pieces.append(_Piece("link_close"))
        _name_wordless_links(self.block.pieces)
        # Markup with no words (an empty <b>) is nothing to show.
        shown = any(p.kind in ("text", "image") and (p.text.strip() or p.alt.strip()) for p in self.block.pieces)
        if shown:
            self.blocks.append(self.block)
        # An item's bullet waits for its words (<li><p>words</p></li>).
        self.block = _Block("" if shown else self.block.prefix)
        if open_link is not None:
            self.block.pieces.append(_Piece("link_open", open_link, continued=True))

    def _space(self) -> None:
        self.block.pieces.append(_Piece("text", " "))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag in BLOCKS or tag == "br":
            self._flush()
        elif tag in SPACED:
            self._space()
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                # Only a list inside an item is indented (else Markdown would read code).
                indent = "   " * sum(1 for _, count in self.lists[:-1] if count)
                self.block.prefix = f"{indent}{n}. " if kind == "ol" else f"{indent}- "
            else:
                self.block.prefix = "- "
        elif tag in EMPHASIS:
            self.block.pieces.append(_Piece("open", EMPHASIS[tag]))
        elif tag == "q":
            self.block.pieces.append(_Piece("text", "\u201c"))
        elif tag == "a":
            if self.links:
                # A link inside a link: the browser ends the first one here.
                if self.links.pop() is not None:
                    self.block.pieces.append(_Piece("link_close"))
            target = link_target(dict(attrs).get("href") or "")
            self.links.append(target)
            if target is not None:
                self.block.pieces.append(_Piece("link_open", target))
        elif tag == "img":
            values = dict(attrs)
            src = web_address(values.get("src") or "")
            if src is not None:
                self.block.pieces.append(_Piece("image", src, alt=" ".join((values.get("alt") or "").split())))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        if tag in BLOCKS or tag == "li":
            self._flush()
        elif tag in SPACED:
            self._space()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in EMPHASIS:
            self.block.pieces.append(_Piece("close", EMPHASIS[tag]))
        elif tag == "q":
            self.block.pieces.append(_Piece("text", "\u201d"))
        elif tag == "a" and self.links:
            if self.links.pop() is not None:
                self.block.pieces.append(_Piece("link_close"))

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.block.pieces.append(_Piece("text", data))

    # ---- writing ----

    def plain(self) -> str:
        self._flush()
        return " ".join(_words(b) for b in self.blocks)

    def markdown(self) -> str:
        self._flush()
        out: list[str] = []
        for block in self.blocks:
            line = _block_markdown(block)
            if line:
                out.append(block.prefix + _unlisted(line))
        # List items stay together; other blocks are paragraphs.
        text = ""
        for i, written in enumerate(out):
            if i:
                text += "\n" if _ITEM.match(written) and _ITEM.match(out[i - 1]) else "\n\n"
            text += written
        return text


def _name_wordless_links(pieces: list[_Piece]) -> None:
    """A link with no words shows its address, so that it can be followed."""
    opened: int | None = None
    for i in range(len(pieces) - 1, -1, -1):
        p = pieces[i]
        if p.kind == "link_close":
            opened = i
        elif p.kind == "link_open" and opened is not None and not p.continued:
            inside = pieces[i + 1:opened]
            if not any(q.kind in ("text", "image") and (q.text.strip() or q.alt) for q in inside):
                pieces.insert(i + 1, _Piece("text", p.text))
            opened = None


def _words(block: _Block) -> str:
    out = []
    for p in block.pieces:
        if p.kind == "text":
            out.append(p.text)
        elif p.kind == "image" and p.alt:
            out.append(p.alt)
    return " ".join("".join(out).split())


def _block_markdown(block: _Block) -> str:
    """One paragraph as Markdown that reads back as its words: with its
    emphasis if that is sure, else without."""
    pieces = _paired(block.pieces)
    expected = _words(block)
    for emphasis in (True, False):
        line = _written(pieces, emphasis)
        if _reads_as(line, expected):
            return line
    return _written(pieces, False)


def _paired(pieces: list[_Piece]) -> list[_Piece]:
    """Match each closing tag to its opening one; the rest are left out.
    Emphasis may not cross a link's edge (Markdown would not read it)."""
    pieces = [_Piece(p.kind, p.text, p.alt) for p in pieces]
    stack: list[int] = []
    link_depth = 0
    depth_of: dict[int, int] = {}
    for i, p in enumerate(pieces):
        if p.kind == "link_open":
            link_depth += 1
        elif p.kind == "link_close":
            link_depth -= 1
        elif p.kind == "open":
            stack.append(i)
            depth_of[i] = link_depth
        elif p.kind == "close":
            for j in range(len(stack) - 1, -1, -1):
                opener = stack[j]
                if pieces[opener].text == p.text and depth_of[opener] == link_depth:
                    p.partner, pieces[opener].partner = pieces[opener], p
                    del stack[j:]   # tags opened inside and never closed are left out
                    break
    return [p for p in pieces if p.kind not in ("open", "close") or p.partner is not None]


def _written(pieces: list[_Piece], emphasis: bool) -> str:
    kept = [p for p in pieces if emphasis or p.kind not in ("open", "close")]
    # Nested emphasis of one kind (<b><b>x</b></b>) is written once.
    inner: set[int] = set()
    open_marks: list[str] = []
    for p in kept:
        if p.kind == "open":
            if p.text in open_marks:
                inner.update((id(p), id(p.partner)))
            open_marks.append(p.text)
        elif p.kind == "close" and open_marks:
            open_marks.pop()
    out: list[str] = []
    link = ""
    for p in kept:
        if id(p) in inner:
            continue
        if p.kind == "text":
            out.append(escape(p.text))
        elif p.kind == "open":
            out.append("\x01" + p.text)
        elif p.kind == "close":
            out.append(p.text + "\x02")
        elif p.kind == "link_open":
            if out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"     # "![" would start a picture
            out.append("[")
            link = p.text
        elif p.kind == "link_close":
            out.append("](" + _encoded(link) + ")")
        elif p.kind == "image":
            out.append(f"![{escape(p.alt)}]({_encoded(p.text)})")
    return _tidy("".join(out))


_OPEN_WS = re.compile(r"\x01(\*{1,2})(\s+)")
_CLOSE_WS = re.compile(r"(\s+)(\*{1,2})\x02")
_EMPTY_EMPHASIS = re.compile(r"\x01(\*{1,2})(\s*)\1\x02")


def _tidy(text: str) -> str:
    """Markers moved off white space (`<i> x </i>` reads " *x* "), empty
    emphasis dropped, white space collapsed."""
    while True:
        before = text
        text = _EMPTY_EMPHASIS.sub(lambda m: m[2], text)
        text = _OPEN_WS.sub(lambda m: m[2] + "\x01" + m[1], text)
        text = _CLOSE_WS.sub(lambda m: m[2] + "\x02" + m[1], text)
        if text == before:
            break
    return " ".join(text.replace("\x01", "").replace("\x02", "").split())


@functools.cache
def _reader() -> MarkdownIt:
    from ..check.markup import new_parser
    return new_parser()


def _reads_as(markdown: str, words: str) -> bool:
    """Whether Markdown shows `markdown` as exactly `words` (no marker left
    over, nothing taken for markup)."""
    shown = _TextOf()
    shown.feed(_reader().render(markdown))
    shown.close()
    return " ".join("".join(shown.parts).split()) == words


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
