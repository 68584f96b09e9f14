"""Markdown bodies: CommonMark with tables and footnotes, raw HTML shown as
text, links checked and made relative to whichever page shows the body."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, cast

from ..read.i18n import IMAGE_END, IMAGE_START, LABEL
from ..read.names import slug_of

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.utils import EnvType, OptionsDict
    from markdown_it.token import Token

# Stands for the path from the showing page to the site root ("" or "../").
# Markdown turns NUL into U+FFFD, so content can never forge it.
ROOT = "\x00root\x00"
_SAFE_SCHEMES = ("http", "https", "mailto")


_HEADING_SHIFT = 3


class LazyParser:
    """markdown-it, made when first used. Most bodies are rendered by
    simplemd.py without it, and importing it alone takes longer than a
    quick rebuild spends on the edited entry's page."""

    def __init__(self, make: Callable[[], MarkdownIt] | None = None) -> None:
        self._parser: MarkdownIt | None = None
        self._make = make or _make_parser

    def __getattr__(self, name: str) -> Any:
        # Called only for names the proxy itself lacks: the parser's.
        if self._parser is None:
            self._parser = self._make()
        return getattr(self._parser, name)


def new_parser() -> MarkdownIt:
    """One parser per process (made when first used): raw HTML off, tables
    and footnotes on."""
    return LazyParser()  # type: ignore[return-value]


def new_inline_parser() -> MarkdownIt:
    """The parser of one-line texts (a caption, a credit), made when first
    used: the body's inline rules, raw HTML off, without footnotes, which
    would point to a list such a line has no room for."""
    return LazyParser(_make_inline_parser)  # type: ignore[return-value]


def _make_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)
    for kind in ("table", "fence", "code_block"):
        _scroll_box(md, kind)
    return md


def _make_inline_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


# A wide table or code block scrolls inside a box, never the page; the box
# takes keyboard focus so that it can be scrolled without a mouse (WCAG 2.1.1).
_BOX_OPEN = '<div class="scroll-box" tabindex="0" role="region" aria-label="{}">\n'
_BOX_LABEL = {"table": LABEL.format("body.table"), "fence": LABEL.format("body.code"),
              "code_block": LABEL.format("body.code")}


def _scroll_box(md: MarkdownIt, kind: str) -> None:
    label = _BOX_LABEL[kind]
    if kind == "table":
        def table_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: EnvType) -> str:
            return _BOX_OPEN.format(label) + self.renderToken(tokens, idx, options, env)

        def table_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                        env: EnvType) -> str:
            return self.renderToken(tokens, idx, options, env) + "</div>\n"

        md.add_render_rule("table_open", table_open)
        md.add_render_rule("table_close", table_close)
        return
    # MarkdownIt's renderer is its RendererHTML, whose rules its protocol leaves out.
    default = cast("RendererHTML", md.renderer).rules[kind]

    def boxed(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _BOX_OPEN.format(label) + default(tokens, idx, options, env) + "</div>\n"

    md.add_render_rule(kind, boxed)


@dataclass
class Rendered:
    html: str
    text: str                                              # plain text, for search
    links: list[tuple[int, str]] = field(default_factory=list)   # (line, content path) of links to entries


def render_markdown(
    md: MarkdownIt, source: str, *, first_line: int, doc_id: str,
    from_path: str | None = None, shortcut: Callable | None = None,
) -> Rendered:
    """Render Markdown; links to other entries' files become entry pages.

    `from_path` is the linking file's path in content/. The paths linked to
    are listed in `links`, for the caller to check that they are entries:
    the rendering itself does not depend on which entries exist, so it can
    be cached while entries come and go. Relative links get the ROOT marker
    in front. `shortcut` (engine.Readers.markdown_shortcut), if given, may
    render the text itself, with the same result."""
    rendered = Rendered("", "")
    if shortcut is not None:
        done = shortcut(md, source, first_line, lambda href, line: _resolve(href, from_path, line, rendered))
        if done is not None:
            rendered.html, words = done
            rendered.text = " ".join(" ".join(words).split())
            return rendered
        rendered.links.clear()
    env = {"docId": doc_id}
    tokens = md.parse(source, env)
    words = []
    for block in tokens:
        if block.type == "heading_open" or block.type == "heading_close":
            level = min(6, int(block.tag[1]) + _HEADING_SHIFT)
            block.tag = f"h{level}"
        if block.children:
            line = first_line + (block.map[0] if block.map else 0)
            block.children = _fix_inline(block.children, line, from_path, rendered)
            words.extend(t.content for t in block.children if t.type in ("text", "code_inline"))
    rendered.html = md.renderer.render(tokens, md.options, env)
    text = " ".join(words).replace(IMAGE_START, " ").replace(IMAGE_END, " ")
    rendered.text = " ".join(text.split())
    return rendered


# Characters that may start inline Markdown (or an entity, or a line
# break); a text without any is its own words, only escaped. Most captions
# are such, and need no parser at all.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]!<>&~\n\r\x00]")


def render_inline(md: MarkdownIt, source: str, *, line: int, from_path: str | None = None) -> Rendered:
    """A one-line text (a caption, a credit) as inline Markdown: links and
    emphasis, no paragraph around it, raw HTML shown as text, links checked
    and resolved as a body's are (`links`, ROOT markers). `text` is its
    words, as plain text: for where it stands in as link text or alt."""
    if not _INLINE_MARKUP.search(source):
        # What markdown-it gives such a text (tests/test_markup.py holds them together).
        return Rendered(source.replace('"', "&quot;"), " ".join(source.split()))
    rendered = Rendered("", "")
    env: dict = {}
    tokens = md.parseInline(source, env)
    children: list[Token] = []
    if tokens:
        children = tokens[0].children = _fix_inline(tokens[0].children or [], line, from_path, rendered)
    rendered.html = md.renderer.render(tokens, md.options, env)
    words: list[str] = []
    for tok in children:
        if tok.type in ("text", "code_inline", "image"):
            words.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            words.append(" ")
    rendered.text = " ".join("".join(words).split())
    return rendered


def _fix_inline(children: list[Token], line: int, from_path: str | None, found: Rendered) -> list[Token]:
    out: list[Token] = []
    drop_close = False
    for tok in children:
        if tok.type in ("softbreak", "hardbreak"):
            line += 1  # a paragraph's lines: name the line the link is on
        elif tok.type == "link_open":
            href = _resolve(str(tok.attrGet("href") or ""), from_path, line, found)
            if href is None:
                drop_close = True
                continue
            tok.attrSet("href", href)
        elif tok.type == "link_close" and drop_close:
            drop_close = False
            continue
        elif tok.type == "image":
            src = str(tok.attrGet("src") or "")
            if urlsplit(src).scheme or src.startswith("//"):
                # Nothing is loaded from another host: a remote image becomes a link to it.
                out.extend(_image_as_link(tok, src, line, from_path, found))
                continue
            tok.attrSet("src", ROOT + src.lstrip("/"))
        out.append(tok)
    return out


def _image_as_link(tok: Token, src: str, line: int, from_path: str | None, found: Rendered) -> list[Token]:
    from markdown_it.token import Token
    alt = tok.content or src
    href = _resolve(src, from_path, line, found)
    text = Token("text", "", 0, content=f"{IMAGE_START}{alt}{IMAGE_END}")
    if href is None:
        return [text]
    return [Token("link_open", "a", 1, attrs={"href": href}), text, Token("link_close", "a", -1)]


def _resolve(href: str, from_path: str | None, line: int, found: Rendered) -> str | None:
    """The href to write, or None to drop the link (keeping its text)."""
    if href.startswith(("https://", "http://")):
        return href  # the usual case, and a safe scheme
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return href if parts.scheme.lower() in _SAFE_SCHEMES else None
    if not parts.path:
        return href  # a fragment on the same page
    path = unquote(parts.path)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if path.endswith(".md") and from_path is not None:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path))
        found.links.append((line, target))
        return f"{ROOT}entries/{quote(slug_of(target))}.html{fragment}"
    return ROOT + href.lstrip("/")
