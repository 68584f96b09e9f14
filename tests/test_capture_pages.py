"""`build.py capture` on pages in the shapes real news sites give them
(issue 20): clutter, cookie banners, teasers of other stories, hidden
slugs, `<noscript>`, XHTML with an XML declaration, a page-wide ASP.NET
form, tables, `<br><br>` paragraphs, placeholder dates, section fronts.
The pages are written here; each capture is held against what a reader of
the page sees."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import lxml.html
import yaml

from timeline.commands import article
from timeline.check.verify import normalise

REPO = Path(__file__).resolve().parent.parent

STORY = [
    "The harbour board voted on Tuesday to close the north quay to cargo ships from the spring.",
    "Board members said the quay's timber piles had rotted faster than engineers expected, "
    "and that repairs would cost more than the port earns from the berth in ten years.",
    "\u201cWe cannot ask crews to tie up at a wall we would not stand on ourselves,\u201d said Mara Osei, "
    "who chairs the board.",
    "Fishing boats will keep their moorings on the inner basin, which was rebuilt in 2019.",
    "Dock workers' representatives asked for the vote to be delayed until a study of the south quay is finished.",
    "The board will publish the engineers' report on its website next week, a spokesperson said.",
]
HEADLINE = "Harbour board closes north quay to cargo ships"
STANDFIRST = "Rotten piles and repair costs decide a vote that dock workers wanted delayed."

COOKIE = ('<div class="cookie-banner" id="consent"><p>We use cookies to improve your experience of our site. '
          'By continuing to browse you accept our use of cookies.</p><button>Accept</button></div>')
NAV = ('<header class="masthead"><a class="logo" href="/">The Coast Herald</a><nav><ul><li><a href="/news">News</a></li>'
       '<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>')
TEASERS = ('<section class="related"><h2>More from the coast</h2>'
           '<article class="teaser"><a href="/a"><h3>Ferry timetable changes for winter</h3>'
           '<p class="summary">The last boat to the island will leave an hour earlier from November onwards.</p></a></article>'
           '<article class="teaser"><a href="/b"><h3>Lifeboat crew rescues two kayakers</h3>'
           '<p class="summary">Volunteers were called out twice in one afternoon as the wind rose sharply.</p></a></article>'
           '</section>')
FOOTER = '<footer><p>\u00a9 2025 The Coast Herald. All rights reserved.</p><p><a href="/privacy">Privacy</a></p></footer>'


def paragraphs_html(lines: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)


def news_page(body: str, head: str = "", wrap_form: bool = False, declaration: str = "",
              byline: str = "By Ana Ruiz, 14 February 2025") -> str:
    inner = (f"{COOKIE}\n{NAV}\n<main><article>\n<h1>{html.escape(HEADLINE)}</h1>\n"
             f'<p class="standfirst">{html.escape(STANDFIRST)}</p>\n'
             f'<div class="byline">{byline}</div>\n{body}\n</article>\n{TEASERS}\n</main>\n{FOOTER}')
    if wrap_form:
        inner = (f'<form name="aspnetForm" method="post" action="./story.aspx" id="aspnetForm">\n'
                 f'<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk">\n{inner}\n</form>')
    return (f"{declaration}<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(HEADLINE)} | The Coast Herald</title>\n"
            f'<meta property="og:site_name" content="The Coast Herald">\n{head}</head>\n<body>\n{inner}\n</body></html>\n')


def capture(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "capture", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def captured(tmp_path: Path, page: str | bytes, *extra: str) -> tuple[subprocess.CompletedProcess, list[str], dict]:
    saved = tmp_path / "page.html"
    if isinstance(page, str):
        saved.write_text(page, encoding="utf-8")
    else:
        saved.write_bytes(page)
    seeds = tmp_path / "seeds"
    result = capture(saved, "--id", "story", "--seeds", seeds, *extra, cwd=tmp_path)
    if result.returncode != 0:
        return result, [], {}
    text = (seeds / "story.txt").read_text(encoding="utf-8")
    entry = yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8"))["story"]
    return result, [p.strip() for p in text.split("\n\n") if p.strip()], entry


def visible_text(page: str) -> str:
    """What a reader sees: the page's text but the parts no browser shows."""
    tree = lxml.html.document_fromstring(page.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    for element in tree.xpath("//script | //style | //noscript | //template | //*[@hidden] | "
                              "//*[contains(translate(@style, ' ', ''), 'display:none')] | "
                              "//*[contains(translate(@style, ' ', ''), 'visibility:hidden')]"):
        element.drop_tree()
    return normalise(tree.text_content())


def test_a_reader_s_text_once_in_order_without_hidden_text_or_teasers(tmp_path):
    body = ('<p class="slug" style="display: none">HARBOUR-VOTE/ (URGENT) 2nd lead, 420 words, embargoed</p>\n'
            '<div hidden><p>Correction notice draft: do not publish before the vote.</p></div>\n'
            '<noscript><p>Please enable JavaScript to see the interactive map of the quay.</p></noscript>\n'
            '<template><p>Template paragraph that a script would fill in with the comments.</p></template>\n'
            '<span style="visibility:hidden">Invisible tracking words for the ad server</span>\n'
            + paragraphs_html(STORY))
    page = news_page(body)
    result, paragraphs, _ = captured(tmp_path, page)
    assert result.returncode == 0, result.stderr
    assert paragraphs == [HEADLINE, STANDFIRST, *STORY], "headline, own standfirst, then the story in order"
    text = " ".join(paragraphs)
    for unseen in ("HARBOUR-VOTE", "Correction notice", "enable JavaScript", "Template paragraph", "Invisible tracking"):
        assert unseen not in text, unseen
    for clutter in ("cookies", "More from the coast", "last boat to the island", "Volunteers were called",
                    "All rights reserved", "Sport"):
        assert clutter not in text, clutter
    seen = visible_text(page)
    for paragraph in paragraphs:
        assert normalise(paragraph) in seen, f"not as a reader sees it: {paragraph!r}"
    assert "note:" not in result.stdout, "nothing the extractor read was left out"


def test_each_block_is_one_paragraph_and_the_same_in_every_run(tmp_path):
    """Containers that hold text beside their blocks, many of them: each
    block's text is one paragraph of its own, never glued to the next or
    given twice, and a second extraction in the same process agrees."""
    parts = []
    for n, line in enumerate(STORY):
        parts.append(f'<div class="row"><div class="col"><div class="text-block">{html.escape(line)}'
                     f'<span class="marker"></span></div></div></div>')
        parts.append(f'<div class="inline-ad-slot" data-n="{n}"></div>')
    parts.append(f"<div class=\"wrap\">The report is due on {n} March.<p>{html.escape(STORY[0])} Again, in short.</p>"
                 "Officials declined to comment further.</div>")
    page = news_page("\n".join(parts))
    result, paragraphs, _ = captured(tmp_path, page)
    assert result.returncode == 0, result.stderr
    for line in STORY:
        assert paragraphs.count(line) == 1, line
    assert "The report is due on 5 March." in paragraphs and "Officials declined to comment further." in paragraphs
    assert STORY[0] + " Again, in short." in paragraphs
    first = article.extract(page, HEADLINE).paragraphs
    assert article.extract(page, HEADLINE).paragraphs == first
    assert first == paragraphs, "the same from the command line and in one process"


def test_a_page_wide_form_does_not_hide_the_article(tmp_path):
    page = news_page(paragraphs_html(STORY), wrap_form=True)
    result, paragraphs, _ = captured(tmp_path, page)
    assert result.returncode == 0, result.stderr
    assert all(line in paragraphs for line in STORY)


def test_xhtml_with_an_xml_declaration_is_read(tmp_path):
    page = news_page(paragraphs_html(STORY), declaration='<?xml version="1.0" encoding="iso-8859-1"?>\n')
    page = page.replace('<html lang="en">', '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">')
    page = page.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />')
    data = page.replace("\u201c", "&#8220;").replace("\u201d", "&#8221;").encode("iso-8859-1")
    result, paragraphs, _ = captured(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert all(line in paragraphs for line in STORY)


def test_table_cells_that_repeat_are_all_kept(tmp_path):
    table = ("<table><caption>Berths by quay</caption><thead><tr><th>Quay</th><th>Berths</th><th>Closed</th></tr></thead>"
             "<tbody><tr><td>North</td><td>12</td><td>12</td></tr><tr><td>South</td><td>12</td><td>0</td></tr>"
             "<tr><td>Inner basin</td><td>30</td><td>0</td></tr></tbody></table>")
    page = news_page(paragraphs_html(STORY[:3]) + table + paragraphs_html(STORY[3:]))
    result, paragraphs, _ = captured(tmp_path, page)
    assert result.returncode == 0, result.stderr
    assert paragraphs.count("12") == 3 and paragraphs.count("0") == 2, paragraphs
    assert paragraphs.index("North") < paragraphs.index("Inner basin") < paragraphs.index(STORY[3])


def test_paragraphs_separated_by_double_breaks_stay_apart(tmp_path):
    body = ('<div class="article-text">' + "<br><br>\n".join(html.escape(line) for line in STORY) + "</div>")
    result, paragraphs, _ = captured(tmp_path, news_page(body))
    assert result.returncode == 0, result.stderr
    assert [p for p in paragraphs if p in STORY] == STORY


def test_placeholder_and_future_dates_are_not_stated(tmp_path):
    future = (date.today() + timedelta(days=30)).isoformat()
    head = (f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "headline": HEADLINE, "datePublished": "0001-01-01T00:00:00"})}</script>\n'
            f'<meta property="article:published_time" content="{future}T09:00:00Z">\n'
            '<meta name="date" content="1970-01-01">\n')
    result, _, entry = captured(tmp_path, news_page(paragraphs_html(STORY), head, byline="By Ana Ruiz"))
    assert result.returncode == 0, result.stderr
    assert "published" not in entry and "not stated: published (required" in result.stdout
    head += '<meta name="dc.date" content="2025-02-14">\n'
    (tmp_path / "seeds").rename(tmp_path / "first")
    result, _, entry = captured(tmp_path, news_page(paragraphs_html(STORY), head, byline="By Ana Ruiz"))
    assert result.returncode == 0, result.stderr
    assert str(entry["published"]) == "2025-02-14", "the next date the page states, being a real one"


def test_only_the_article_s_own_standfirst(tmp_path):
    """A teaser's summary inside the article's container, before the story
    (a 'read next' box), is not its standfirst."""
    body = ('<aside class="read-next"><a href="/c"><p class="summary">Ferry fares will rise by a tenth, '
            'the operator said on Monday.</p></a></aside>\n' + paragraphs_html(STORY))
    result, paragraphs, _ = captured(tmp_path, news_page(body))
    assert result.returncode == 0, result.stderr
    assert STANDFIRST in paragraphs and not any("Ferry fares" in p for p in paragraphs)


def test_a_section_front_is_refused_and_nothing_written(tmp_path):
    stories = "".join(
        f'<article class="card"><h2><a href="/story-{n}">{html.escape(title)}</a></h2>'
        f'<a href="/story-{n}"><p>{html.escape(title)}: read the full story from our reporters on the coast.</p></a></article>'
        for n, title in enumerate(["Harbour board closes north quay", "Ferry timetable changes for winter",
                                   "Lifeboat crew rescues two kayakers", "New fish market opens on Saturday",
                                   "Council approves sea wall repairs", "Storm warning for the weekend",
                                   "School swimming lessons move to the lido", "Port traffic at a ten-year high"]))
    page = (f'<!DOCTYPE html><html><head><title>News | The Coast Herald</title></head><body>{NAV}'
            f"<main><h1>News</h1>{stories}</main>{FOOTER}</body></html>")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text("# ours\n", encoding="utf-8")
    saved = tmp_path / "front.html"
    saved.write_text(page, encoding="utf-8")
    result = capture(saved, "--seeds", seeds, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("build.py: error: ") and "not an article" in result.stderr or \
        "no article text" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in seeds.iterdir()) == ["sources.yaml"]


def test_notes_name_only_what_was_left_out(tmp_path):
    """The extractor marks list items and respaces words around inline
    markup: none of that is named as left out, since all of it is kept;
    a note, when there is one, names words the text does not hold."""
    body = (paragraphs_html(STORY[:2])
            + '<p>The vote was<em>close</em>: seven to five, with<a href="/osei">Mara Osei</a>casting the last vote.</p>'
            + "<ul><li>North quay: closed to cargo</li><li>Inner basin: open</li></ul>" + paragraphs_html(STORY[2:]))
    result, paragraphs, _ = captured(tmp_path, news_page(body))
    assert result.returncode == 0, result.stderr
    assert "North quay: closed to cargo" in paragraphs and "Inner basin: open" in paragraphs
    assert "The vote wasclose: seven to five, withMara Oseicasting the last vote." in paragraphs, "spaced as shown"
    assert "note:" not in result.stdout, result.stdout
    text = normalise(" ".join(paragraphs))
    notes = [line.split("read it: ", 1)[1] for line in result.stdout.splitlines() if "note:" in line]
    assert all(normalise(note) not in text for note in notes)


def test_a_page_captured_again_is_named_in_a_warning(tmp_path):
    page = news_page(paragraphs_html(STORY), '<meta property="article:published_time" content="2025-02-14T09:00:00Z">')
    saved = tmp_path / "page.html"
    saved.write_text(page, encoding="utf-8")
    seeds = tmp_path / "seeds"
    first = capture(saved, "--seeds", seeds, cwd=tmp_path)
    assert first.returncode == 0 and "warning" not in first.stderr
    again = capture(saved, "--seeds", seeds, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    sources = (seeds / "sources.yaml").read_text(encoding="utf-8")
    line = sources.splitlines().index("the-coast-herald-2025-02-14:") + 1
    assert again.stderr.startswith(f"{seeds / 'sources.yaml'}:{line}: warning: ")
    assert '"the-coast-herald-2025-02-14"' in again.stderr and "SHA-256" in again.stderr
    assert '"the-coast-herald-2025-02-14-2"' in again.stderr, "the second copy named too"


def test_soft_hyphens_are_not_letters(tmp_path):
    """A page that marks where its long words may break (as German and
    Dutch sites do): the text holds the words a reader sees, so that a
    quote copied from the page verifies."""
    hyphenated = [line.replace("representatives", "repre\u00adsen\u00adta\u00adtives")
                  .replace("engineers", "engi\u00adneers") for line in STORY]
    result, paragraphs, _ = captured(tmp_path, news_page(paragraphs_html(hyphenated)))
    assert result.returncode == 0, result.stderr
    assert all(line in paragraphs for line in STORY)
    assert not any("\u00ad" in p for p in paragraphs)
