"""A spreadsheet's simple HTML (TimelineJS's Text column) as Markdown:
paragraphs, links, emphasis and lists kept; other markup reduced to its
text; script, style and iframe dropped with their content. Every piece of
text is escaped, so that Markdown reads it as the words it is."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

DROPPED = {"script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math"}
BLOCKS = {"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "figure",
          "figcaption", "table", "tr", "header", "footer", "pre"}
EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
SAFE_SCHEMES = ("http", "https", "mailto")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|<!--")
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|$)")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def escape(text: str) -> str:
    """Text that Markdown shows as it is."""
    return _SPECIAL.sub(r"\\\1", text).replace("&", "&amp;") if "&" in text else _SPECIAL.sub(r"\\\1", text)


def plain_text(text: str) -> str:
    """A cell's words with any markup taken off (captions, credits)."""
    if not looks_like_html(text):
        return " ".join(text.split())
    parser = _Converter()
    parser.feed(text)
    parser.close()
    return " ".join(" ".join(parser.words).split())


def to_markdown(text: str) -> str:
    """The cell as a Markdown body."""
    if not looks_like_html(text):
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text)]
        return "\n\n".join(_escape_block(p) for p in paragraphs if p)
    parser = _Converter()
    parser.feed(text)
    parser.close()
    return parser.markdown()


def _escape_block(text: str) -> str:
    return _unlisted(escape(text))


def _unlisted(text: str) -> str:
    """A line that Markdown would read as a list item keeps its words."""
    def fix(m: re.Match) -> str:
        mark = m.group(2)
        return m.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)
    return _BLOCK_START.sub(fix, text)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []      # finished paragraphs and list items
        self.line: list[str] = []        # the one being written
        self.words: list[str] = []       # all text, for plain_text
        self.dropping = 0
        self.lists: list[list] = []      # [kind, count] of open lists
        self.links: list[str | None] = []

    def _flush(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.blocks.append(text)
        self.line = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in DROPPED:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag in BLOCKS:
            self._flush()
        elif tag == "br":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                indent = "   " * (len(self.lists) - 1)
                self.line.append(f"{indent}{n}. " if kind == "ol" else f"{indent}- ")
            else:
                self.line.append("- ")
        elif tag in EMPHASIS:
            self.line.append(EMPHASIS[tag])
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            scheme = urlsplit(href.strip()).scheme.lower()
            safe = href.strip() and (scheme in SAFE_SCHEMES or (not scheme and not href.strip().startswith("//")))
            self.links.append(href.strip() if safe else None)
            if safe:
                self.line.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        if tag in BLOCKS or tag == "li":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in EMPHASIS:
            self.line.append(EMPHASIS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href is not None:
                self.line.append("](" + href.replace("(", "%28").replace(")", "%29").replace(" ", "%20") + ")")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.words.append(data)
        self.line.append(escape(data))

    def markdown(self) -> str:
        self._flush()
        out: list[str] = []
        for block in self.blocks:
            item = re.match(r"^\s*(- |\d+\. )", block)
            if item:
                out.append(block)
            else:
                out.append(_unlisted(block))
        # List items stay together; other blocks are paragraphs.
        text = ""
        for i, block in enumerate(out):
            if i:
                both_items = re.match(r"^\s*(- |\d+\. )", block) and re.match(r"^\s*(- |\d+\. )", out[i - 1])
                text += "\n" if both_items else "\n\n"
            text += block
        return text
