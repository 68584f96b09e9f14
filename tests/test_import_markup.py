"""The sheet's HTML as Markdown (CONTRACT.md section 6, additions of
2026-12-04): the Markdown an import writes, rendered by the build's own
Markdown reader, shows exactly the words a reader of the HTML sees, with
their spacing and punctuation; markup that is not closed, closed twice,
crossed or empty never shows as a `*`, a `[` or a `]`."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.commands.html2md import plain_text, to_inline_markdown, to_markdown
from timeline.check.markup import new_parser

MD = new_parser()


class _Shown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.emphasis: list[str] = []
        self.links: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.inside.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        if tag in ("p", "li", "br"):
            self.parts.append(" ")
        if tag == "img":      # the build shows a picture of the body as a link named by its alt text
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()
        if tag in ("p", "li"):
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)
        if "em" in self.inside or "strong" in self.inside:
            self.emphasis.append(data)


def shown(markdown: str) -> _Shown:
    parser = _Shown()
    parser.feed(MD.render(markdown))
    parser.close()
    return parser


def words(text: str) -> str:
    return " ".join(text.split())


CASES = [
    ("Publishes <i>Observations</i>; wins", "Publishes *Observations*; wins"),
    ("<p>A <b>bold</b>, an <i>italic</i>.</p>", "A **bold**, an *italic*."),
    ("<i> spaced </i>out", "*spaced* out"),
    ("a stray </i> close", "a stray close"),
    ("an <b>unclosed bold", "an unclosed bold"),
    ('<a href="//upload.wikimedia.org/a.jpg">a picture</a>', "[a picture](https://upload.wikimedia.org/a.jpg)"),
    ('<a href="www.example.org/x">site</a>', "[site](https://www.example.org/x)"),
    ('Wow!<a href="https://e.org/">link</a>', "Wow\\![link](https://e.org/)"),
    ("<ul><li>one</li><li><b>two</b></li></ul><p>after</p>", "- one\n- **two**\n\nafter"),
    ("AT&amp;T &amp; <q>friends</q>", "AT&amp;T &amp; \u201cfriends\u201d"),
    ("<p>1. not a list</p>", "1\\. not a list"),
    ("<ul><li><p>one</p></li><li><p>two</p></li></ul>", "- one\n- two"),
    ("<p>---</p><ul><li>- dash</li></ul>", "\\---\n\n- \\- dash"),
]


def test_known_shapes_become_this_markdown():
    for html, markdown in CASES:
        assert to_markdown(html) == markdown, html
        assert words("".join(shown(markdown).parts)) == plain_text(html), html


def test_headline_and_caption_forms():
    assert plain_text("Publishes <i>Observations</i>; wins") == "Publishes Observations; wins"
    assert plain_text("Q&amp;A <b>with</b><br>the mayor") == "Q&A with the mayor"
    assert plain_text("AT&amp;T") == "AT&T"
    assert to_inline_markdown('<a href="https://e.org/f" title="">Portrait</a> by <i>C. Painter</i>') == (
        "[Portrait](https://e.org/f) by *C. Painter*")
    assert to_inline_markdown("Plain *credit* as written") == "Plain *credit* as written"


PIECES = st.sampled_from([
    "word", "Observations", "wins", " ", " ", ";", ",", ".", "!", "?", '"', "'", "(", ")", "*", "_", "[", "]",
    "#", "-", "1.", "&amp;", "<i>", "</i>", "<b>", "</b>", "<em>", "</em>", "<strong>", "</strong>",
    '<a href="https://example.org/a_(b)">', '<a href="//host.example/x">', "</a>", "<br>", "<p>", "</p>",
    "<span>", "</span>", "<u>", "</u>", "<li>", "</li>", "<ul>", "</ul>", "<ol>", "</ol>", "<td>",
    '<img src="//host.example/i.jpg" alt="a view">', "<blockquote>", "</blockquote>", "<script>", "</script>",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=25))
def test_any_markup_reads_back_as_its_words_and_links(pieces):
    html = "".join(pieces)
    markdown = to_markdown(html)
    seen = shown(markdown)
    assert words("".join(seen.parts)) == plain_text(html), (html, markdown)
    # Every link of the HTML that holds words is a link of the page.
    wanted = re.findall(r'<a href="([^"]+)">', html)
    for href in set(seen.links):
        assert href in ("https://example.org/a_%28b%29", "https://host.example/x"), href
    if not wanted:
        assert not seen.links
