"""Unit tests of timeline/markup.py: Markdown bodies made safe and their links
made relative to whichever page shows them."""

from __future__ import annotations

import re

import pytest

from helpers import parse_html
from timeline.check.markup import ROOT, new_parser, render_markdown
from timeline.speedups.simplemd import render_simple


@pytest.fixture(scope="module")
def md():
    return new_parser()


def render(md, source, *, first_line=1, doc_id="doc", from_path="a.md"):
    """As a build renders a body: the fast renderer where it can."""
    return render_markdown(md, source, first_line=first_line, doc_id=doc_id, from_path=from_path,
                           shortcut=render_simple)


def hrefs(html: str) -> list[str]:
    return parse_html(html).a_hrefs()


def headings(html: str) -> list[str]:
    return [n.tag for n in parse_html(html).root.iter() if re.fullmatch(r"h[1-6]", n.tag)]


# ------------------------------------------------------------------ headings


def test_headings_are_shifted_below_the_page_headings(md):
    tags = headings(render(md, "# One\n\n## Two\n\n### Three\n").html)
    levels = [int(t[1]) for t in tags]
    assert levels[0] >= 3, "a body's '#' must not compete with the page's <h1> and section <h2>s"
    assert levels == [levels[0], levels[0] + 1, levels[0] + 2] or levels[-1] == 6


def test_deep_headings_stay_h6(md):
    tags = headings(render(md, "##### Five\n\n###### Six\n").html)
    assert tags == ["h6", "h6"]


# ------------------------------------------------------------------ raw HTML


@pytest.mark.parametrize("source,text", [
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("Some <b>bold</b> words", "Some <b>bold</b> words"),
    ('<div onclick="x()">block</div>', '<div onclick="x()">block</div>'),
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("a <!-- comment --> b", "a <!-- comment --> b"),
    ("<iframe src=https://evil.example/></iframe>", "<iframe src=https://evil.example/></iframe>"),
])
def test_raw_html_is_shown_as_text(md, source, text):
    html = render(md, source).html
    page = parse_html(html)
    tags = {n.tag for n in page.root.iter()} - {"#document", "p"}
    assert not tags, f"raw HTML passed through as {tags}: {html!r}"
    assert text in page.text()


def test_nul_cannot_forge_the_root_marker(md):
    """Only the renderer puts the marker in, once at the start of a relative link."""
    html = render(md, f"a {ROOT}b [x]({ROOT}y) `{ROOT}`").html
    assert html.count(ROOT) == 1, html
    assert hrefs(html)[0].startswith(ROOT) and ROOT not in hrefs(html)[0][len(ROOT):]


# ------------------------------------------------------------------ schemes


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "JavaScript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
    "&#106;avascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd", "ftp://example.org/x", "//evil.example/x", "irc://example.org/chan",
])
def test_unsafe_links_are_dropped_keeping_their_text(md, link):
    html = render(md, f"before [the words]({link}) after").html
    page = parse_html(html)
    assert "the words" in page.text()
    for href in page.a_hrefs():
        value = href.replace(ROOT, "").strip().lower()
        assert not re.match(r"^(javascript|vbscript|data|file|ftp|irc):|^//", value), f"{link!r} became href={href!r}"


@pytest.mark.parametrize("source", ["<javascript:alert(1)>", "<ftp://example.org/x>"])
def test_unsafe_autolinks_are_text(md, source):
    html = render(md, source).html
    assert not parse_html(html).a_hrefs(), html


@pytest.mark.parametrize("link", ["https://example.org/a?b=c#d", "http://example.org/", "mailto:someone@example.org", "MAILTO:x@example.org"])
def test_safe_links_survive_unchanged(md, link):
    assert hrefs(render(md, f"[x]({link})").html) == [link]


def test_autolinks_to_http_survive(md):
    assert hrefs(render(md, "<https://example.org/x>").html) == ["https://example.org/x"]


# ------------------------------------------------------------------ images


def test_remote_images_become_links(md):
    html = render(md, "![a map](https://example.org/map.png)").html
    page = parse_html(html)
    assert not page.root.find_all("img"), html
    assert page.a_hrefs() == ["https://example.org/map.png"]
    assert "a map" in page.text()


@pytest.mark.parametrize("src", ["//example.org/map.png", "javascript:alert(1)", "data:image/png;base64,AAAA"])
def test_other_non_local_images_load_nothing(md, src):
    page = parse_html(render(md, f"![pic]({src})").html)
    assert not page.root.find_all("img")
    assert not [h for h in page.a_hrefs() if not h.startswith(("http:", "https:"))]


def test_local_images_are_relative_to_the_site_root(md):
    page = parse_html(render(md, "![a](static/a.png) ![b](/static/b.png)").html)
    srcs = [n.attrs["src"] for n in page.root.find_all("img")]
    assert srcs == [ROOT + "static/a.png", ROOT + "static/b.png"]


# ------------------------------------------------------------------ links between entries


@pytest.mark.parametrize("from_path,link,target,href", [
    ("2022/a.md", "b.md", "2022/b.md", "entries/b.html"),
    ("2022/a.md", "./b.md", "2022/b.md", "entries/b.html"),
    ("2022/a.md", "../c.md", "c.md", "entries/c.html"),
    ("2022/a.md", "jan/d.md", "2022/jan/d.md", "entries/d.html"),
    ("2022/jan/d.md", "../../c.md", "c.md", "entries/c.html"),
    ("2022/jan/d.md", "../a.md", "2022/a.md", "entries/a.html"),
    ("c.md", "2022/jan/d.md", "2022/jan/d.md", "entries/d.html"),
    ("c.md", "my%20file.md", "my file.md", "entries/my%20file.html"),
    ("c.md", "<my file.md>", "my file.md", "entries/my%20file.html"),
    ("c.md", "f%C3%A4rja.md", "färja.md", "entries/f%C3%A4rja.html"),
])
def test_entry_links_resolve_from_the_linking_file(md, from_path, link, target, href):
    result = render(md, f"[x]({link})", from_path=from_path)
    assert hrefs(result.html) == [ROOT + href]
    assert result.links == [(1, target)]


@pytest.mark.parametrize("link,href", [
    ("b.md#reaction", "entries/b.html#reaction"),
    ("../c.md#f-2", "entries/c.html#f-2"),
])
def test_entry_links_keep_their_fragment(md, link, href):
    result = render(md, f"[x]({link})", from_path="2022/a.md")
    assert hrefs(result.html) == [ROOT + href]


def test_a_link_to_an_entry_is_listed_at_its_line(md):
    # body starts on file line 10; the link is on the body's 4th line.
    # Whether the file is an entry is for the caller to check (assemble.py).
    result = render(md, "para\n\nline two\nsee [z](nothere.md)\n", first_line=10, from_path="2022/a.md")
    assert result.links == [(13, "2022/nothere.md")]


def test_a_link_is_resolved_relative_to_the_linking_file(md):
    """'b.md' from c.md means content/b.md, not content/2022/b.md."""
    result = render(md, "[x](b.md)", from_path="c.md")
    assert result.links == [(1, "b.md")]


def test_entry_links_are_listed_with_line_and_path(md):
    result = render(md, "one [a](a.md)\n\n\nthree [b](b.md)\n", first_line=5, from_path="2022/x.md")
    assert result.links == [(5, "2022/a.md"), (8, "2022/b.md")]


@pytest.mark.parametrize("link,href", [
    ("sources/index.html", ROOT + "sources/index.html"),
    ("/tags/a.html", ROOT + "tags/a.html"),
    ("figures.html#f-x", ROOT + "figures.html#f-x"),
    ("#top", "#top"),
])
def test_other_relative_links_are_relative_to_the_site_root(md, link, href):
    assert hrefs(render(md, f"[x]({link})").html) == [href]


# ------------------------------------------------------------------ the rest


def test_tables_and_footnotes(md):
    html = render(md, "| a | b |\n|---|---|\n| 1 | 2 |\n\nNote.[^1]\n\n[^1]: The note.\n", doc_id="slug").html
    page = parse_html(html)
    assert page.root.find_all("table")
    ids = page.ids
    assert ids and all("slug" in i for i in ids), ids      # footnote ids are per document
    for href in page.a_hrefs():
        assert href.startswith("#") and href[1:] in ids


def test_plain_text_for_search(md):
    result = render(md, "Some **bold** and `code` [link](https://x.org).\n\n# Head\n")
    for word in ("Some", "bold", "code", "link", "Head"):
        assert word in result.text
    assert "<" not in result.text and "**" not in result.text and "https://x.org" not in result.text


# ------------------------------------------------------------------ the fast renderer
#
# simplemd.py renders the plainest Markdown without markdown-it and gives up
# on anything else. Where it does not give up, the HTML, the text for search
# and the links must be markdown-it's; generated text mixes what it reads
# with what it must refuse.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


PIECES = [
    "word", "Two words", "3,000", "émigré", "«q»", " ", "  ", "\t", ".", ",", "!", "?", ":", ";", "'", '"', "(", ")",
    ">", "<b>", "&amp;", "&", "\\*", "_x_", "`c`", "~", "|", "#", "- ", "* ", "+ ", "1. ", "2) ", "---", "***", "===",
    "*em*", "**strong**", "*a b*", "* x*", "*x *", "foo*bar*", "*x*y", "***x***", "**x*", "*x**", "*x.*", "(*x*)",
    "[link](https://example.org/a?b=c)", "[t](../2017/2017-05-02-x.md)", "[t](x.md#frag)", "[t](javascript:alert(1))",
    "[t](/abs)", "[t](mailto:a@b.c)", "[t](ftp://x)", "[t]", "[t][r]", "[^1]", "![i](x.png)", "[a *b*](c)", "[](x)",
    "[t](<x>)", "[t](x \"title\")", "[x]: /u", "\u2028", "\xa0", "\x00", "http://bare.example",
]
# Mostly what it reads, so that it does not always give up at once.
SAFE = ["word", "Two words", "3,000", "émigré", ".", ",", "?", "(", ")", "'", '"', ">", "*em*", "**strong**",
        "*a b*", "*x.*", "(*x*)", "[link](https://example.org/a?b=c)", "[t](../2017/2017-05-02-x.md)",
        "[t](x.md#frag)", "[t](/abs)", "[t](mailto:a@b.c)", "[t](ftp://x)", "!", "2021", "1st", "#3",
        "`seeds/`", "`a b`", "`<x> & \"y\"`", "`*x*`", "`[t](u)`", "`x\\`", "` x`", "``", "`", "``x``"]
tricky = st.lists(st.sampled_from(PIECES), min_size=0, max_size=6).map("".join)
plain = st.lists(st.sampled_from(SAFE), min_size=1, max_size=6).flatmap(
    lambda ws: st.sampled_from([" ", ""]).map(lambda sep: sep.join(ws)))
lines = st.one_of(plain, plain, tricky)
bodies = st.lists(st.one_of(lines, lines.map(lambda x: "- " + x), st.just("")), max_size=8).map("\n".join)


@settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 3000)), deadline=None)
@given(bodies, st.integers(1, 4))
def test_the_fast_renderer_agrees_with_markdown_it(md, body, first_line):
    fast = render(md, body, first_line=first_line, from_path="2021/a.md")
    full = render_markdown(md, body, first_line=first_line, doc_id="doc", from_path="2021/a.md", shortcut=None)
    assert (fast.html, fast.text, fast.links) == (full.html, full.text, full.links)


def test_the_fast_renderer_takes_plain_bodies(md):
    body = ("Police detained *more than* 3,000 people, **officials** said (see [the report](../2022/x.md)).\n"
            "A second line.\n\n- one item\n- [two](https://example.org/a)\n\n*A closing line.*\n")
    assert render_simple(md, body, 1, lambda href, line: href) is not None
    fast = render(md, body, from_path="2021/a.md")
    full = render_markdown(md, body, first_line=1, doc_id="doc", from_path="2021/a.md", shortcut=None)
    assert (fast.html, fast.text, fast.links) == (full.html, full.text, full.links)
    assert fast.links == [(1, "2022/x.md")]


URL_PARTS = st.sampled_from(["a", "Z", "0", "-", ".", "_", "~", "/", "?", "=", "&", "#", "%", "%2F", "é", ":", "@", "'", "(", "+", " ", "xn--"])
urls = st.tuples(st.sampled_from(["http://", "https://", "HTTP://", "https://Ex.", "https://ex.org", "https://a-b.c",
                                  "", "/", "//", "../", "./", "a/", "mailto:", "javascript:", "Ex.org"]),
                 st.lists(URL_PARTS, max_size=12).map("".join)).map("".join)
# Addresses of the kept kind, so that the test is not only about refusals.
_kept_chars = st.lists(st.sampled_from(list("aZ0-._~")), min_size=1, max_size=6).map("".join)
urls = urls | st.tuples(
    st.sampled_from(["http://", "https://"]), st.sampled_from(["ex.org", "a-b.example", "xn--bcher-kva.de", "1.2.3.4"]),
    st.lists(_kept_chars, max_size=4).map(lambda xs: "".join("/" + x for x in xs)),
    st.sampled_from(["", "?", "?a=1", "?a=1&b=x.y", "?q=~_-"]), st.sampled_from(["", "#", "#top", "#p-1a.b"]),
).map("".join) | st.tuples(   # relative ones: other entries' files, mostly
    st.sampled_from(["", "/", "../", "./", "../../", "~"]),
    st.lists(_kept_chars, min_size=1, max_size=4).map("/".join),
    st.sampled_from(["", ".md", "?a=1", "#top"]),
).map("".join)


@settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 3000)), deadline=None)
@given(urls)
def test_addresses_the_fast_renderer_keeps_are_those_markdown_it_keeps(md, url):
    from timeline.speedups.simplemd import KEPT_URL

    if KEPT_URL.fullmatch(url):
        assert md.normalizeLink(url) == url and md.validateLink(url)
