"""The plainest Markdown, rendered without markdown-it.

Most entry bodies are a few paragraphs and perhaps a bulleted list, with
some *emphasis*, **strong** text, [links](...) and `code`. Parsing them with
markdown-it costs more than everything else done with an entry, so
`render_simple` renders that subset itself and gives up (None) on anything
else, which then goes to markdown-it: a character or line that could start
any other construct, an emphasis or link that is not plainly one, a
paragraph that lists could interrupt in more than one way. Where it does
not give up, its HTML, its text and its links are markdown-it's
(tests/test_markup.py compares the two on generated text)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


# Characters that could start a construct this reader does not handle.
_PLAIN = re.compile(r"[^\n*\[\]`<&\\_|~!]+")
_URL = re.compile(r"[A-Za-z0-9\-._~:/?#@!$+,;=%']+")
# An address that markdown-it's normalizeLink gives back as it is: a web
# address with a lower-case host, or a relative path (no scheme, no host),
# in characters its encoding keeps. Most links are such, and normalizing one
# costs more than rendering the rest of a body.
KEPT_URL = re.compile(
    r"(?:https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9._~/-]*)?|(?!//)[A-Za-z0-9._~/-]+)"
    r"(?:\?[A-Za-z0-9._~=&-]*)?(?:#[A-Za-z0-9._~-]*)?"
)
_ORDERED = re.compile(r"\d{1,9}[.)](?: |$)")
_REFERENCE = re.compile(r"\[[^\]]*\]:")
_EMPHASIS_START = re.compile(r"\*{1,2}[^\s*]")
_LINE_START_UNSAFE = frozenset("#>+=-*|:` \t")
_CLOSE_AFTER = frozenset(" \n.,;:!?)'\"")
_OPEN_AFTER = frozenset(" (")
_PUNCT_END = frozenset(".,;:?)'\"")


class _GiveUp(Exception):
    pass


Resolve = Callable[[str, int], "str | None"]


def render_simple(md: MarkdownIt, source: str, first_line: int, resolve: Resolve) -> tuple[str, list[str]] | None:
    """(html, text pieces) as markdown-it gives them, or None for anything
    but the plainest Markdown. `resolve(href, line)` gives the href to write
    for a link (None: keep only its text), as markup._resolve does."""
    try:
        return _render(md, source, first_line, resolve)
    except _GiveUp:
        return None


def _render(md: MarkdownIt, source: str, first_line: int, resolve: Resolve) -> tuple[str, list[str]]:
    lines = source.split("\n")
    html: list[str] = []
    words: list[str] = []
    i, n = 0, len(lines)
    after_list = False
    while i < n:
        if not lines[i].strip(" \t"):
            i += 1
            continue
        if lines[i].startswith("- "):
            if after_list:
                raise _GiveUp  # two lists apart by a blank line are one loose list
            html.append("<ul>\n")
            while i < n and lines[i].startswith("- "):
                item = lines[i][2:]
                _check_line(item)
                html.append("<li>" + _inline(md, item, first_line + i, resolve, words) + "</li>\n")
                i += 1
            if i < n and lines[i].strip(" \t"):
                raise _GiveUp  # a lazy continuation line
            html.append("</ul>\n")
            after_list = True
            continue
        start = i
        while i < n and lines[i].strip(" \t") and not lines[i].startswith("- "):
            _check_line(lines[i])
            i += 1
        text = "\n".join(lines[start:i])
        html.append("<p>" + _inline(md, text, first_line + start, resolve, words) + "</p>\n")
        after_list = False
    return "".join(html), words


def _check_line(line: str) -> None:
    """A line that can only be text of a paragraph (or of a list item):
    nothing at its start that could begin a block of another kind."""
    if not line or line[-1] in " \t" or not line.isprintable():
        raise _GiveUp
    if line[0] == "[":
        if _REFERENCE.match(line):
            raise _GiveUp  # a link reference definition
    elif line[0] == "*":
        if not _EMPHASIS_START.match(line):
            raise _GiveUp  # a list item or a thematic break
    elif line[0] in _LINE_START_UNSAFE or _ORDERED.match(line):
        raise _GiveUp


def _escape(text: str) -> str:
    # markdown-it's escapeHtml; & and < never reach here.
    return text.replace(">", "&gt;").replace('"', "&quot;")


def _inline(md: MarkdownIt, text: str, line: int, resolve: Resolve, words: list[str]) -> str:
    out: list[str] = []
    pending: list[str] = []   # text not yet ended by a construct (one text token)

    def flush() -> None:
        if pending:
            piece = "".join(pending)
            words.append(piece)
            out.append(_escape(piece))
            pending.clear()

    pos, end = 0, len(text)
    while pos < end:
        m = _PLAIN.match(text, pos)
        if m:
            pending.append(m.group())
            pos = m.end()
            continue
        c = text[pos]
        if c == "\n":
            flush()
            out.append("\n")
            line += 1
            pos += 1
        elif c == "*":
            pos = _emphasis(text, pos, flush, out, words)
        elif c == "[":
            if pos and text[pos - 1] == "!":
                raise _GiveUp  # an image
            flush()
            pos = _link(md, text, pos, line, resolve, out, words)
        elif c == "!" and not text.startswith("[", pos + 1):
            pending.append(c)
            pos += 1
        elif c == "`":
            flush()
            pos = _code(text, pos, out, words)
        else:
            raise _GiveUp
    flush()
    return "".join(out)


def _emphasis(text: str, pos: int, flush: Callable[[], None], out: list[str], words: list[str]) -> int:
    """*x* or **x**: opened after a space or '(' (or at the start) by a
    letter or digit, closed by one before a space or punctuation; no '*',
    bracket or line break inside. Then it is emphasis and nothing else."""
    run = 2 if text.startswith("**", pos) else 1
    if text.startswith("*", pos + run) or (pos and text[pos - 1] not in _OPEN_AFTER):
        raise _GiveUp
    start = pos + run
    close = text.find("*" * run, start)
    if close <= start:
        raise _GiveUp
    inner = text[start:close]
    after = close + run
    following = text[after] if after < len(text) else " "
    if inner[-1].isalnum():
        closes = following in _CLOSE_AFTER
    else:  # closed after punctuation: only before white space is it surely a closer
        closes = inner[-1] in _PUNCT_END and following in " \n"
    if not closes or not inner[0].isalnum() or "\n" in inner or _PLAIN.fullmatch(inner) is None:
        raise _GiveUp
    flush()
    tag = "strong" if run == 2 else "em"
    words.append(inner)
    out.append(f"<{tag}>{_escape(inner)}</{tag}>")
    return after


def _code(text: str, pos: int, out: list[str], words: list[str]) -> int:
    """`x`: one backtick each side, on one line, no space at either end
    (markdown-it would strip one) and no backtick inside. A code span binds
    before emphasis and links, and nothing inside it is read."""
    close = text.find("`", pos + 1)
    if close <= pos + 1 or text.startswith("`", close + 1):
        raise _GiveUp
    inner = text[pos + 1 : close]
    if "\n" in inner or inner[0] == " " or inner[-1] == " ":
        raise _GiveUp
    words.append(inner)
    out.append("<code>" + inner.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
               + "</code>")
    return close + 1


def _link(md: MarkdownIt, text: str, pos: int, line: int, resolve: Resolve, out: list[str], words: list[str]) -> int:
    """[text](destination), plain text and a destination of URL characters."""
    close = text.find("]", pos + 1)
    if close < 0 or not text.startswith("(", close + 1):
        raise _GiveUp
    label = text[pos + 1 : close]
    if not label or label[0] == "^" or _PLAIN.fullmatch(label) is None or "\n" in label or "!" in label:
        raise _GiveUp
    m = _URL.match(text, close + 2)
    if m is None or not text.startswith(")", m.end()):
        raise _GiveUp
    href = m.group()
    if KEPT_URL.fullmatch(href) is None:
        href = md.normalizeLink(href)
        if not md.validateLink(href):
            raise _GiveUp
    words.append(label)
    target = resolve(href, line)
    if target is None:
        out.append(_escape(label))
    else:
        out.append(f'<a href="{_escape_attr(target)}">{_escape(label)}</a>')
    return m.end() + 1


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
