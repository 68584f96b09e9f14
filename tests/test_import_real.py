"""build.py import on sheets and TimelineJS JSON in the shapes real ones
have (CONTRACT.md section 6 and its additions of 2026-12-04): columns we
do not know, links in captions, `//` and `www.` media, iframes, stray
tags, local files missing or not pictures, events without a headline,
dates as TimelineJS writes them. Each is imported into a fresh project
and built; every cell's words, every link and every date are then looked
for in what was written and built."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import load_json, problems, read_page, run_build, snapshot
from test_import import built, by_title, init_project, png, run_in

# ---------------------------------------------------------------- a real sheet's clutter

HEADER = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
          "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
          "Background", "Source", "Source URL", "Notes", "Tag", "Lat", "Verified", "", "Start Date", "Alt Text"]


def sheet_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(name, "") for name in HEADER[:24]] + [row.get("unnamed", ""),
                                                                       row.get("Start Date", ""),
                                                                       row.get("Alt Text", "")])
    return out.getvalue()


GOOD = [
    {"Headline": "Computing <i>pioneers</i>", "Type": "title",
     "Text": '<p>Women who <a href="https://example.org/history">made computing</a>.</p>',
     "Media": "//upload.wikimedia.org/wikipedia/commons/4/4e/Eniac.jpg", "Media Credit": "U.S. Army"},
    {"Year": "1,987", "Month": "3", "Day": "4", "Headline": "Publishes <i>Observations</i>; wins",
     "Text": '<p>She publishes <i>Observations</i>; wins <a href="https://example.org/prize">the prize</a>.</p>\n'
             "<p>A second paragraph, after a line break.</p>",
     "Media": "//upload.wikimedia.org/wikipedia/commons/a/a4/Portrait.jpg",
     "Media Credit": '<a href="https://commons.wikimedia.org/wiki/Main_Page">Wikimedia Commons</a>',
     "Media Caption": '<a href="https://commons.wikimedia.org/wiki/File:Portrait.jpg" title="">Portrait</a> by '
                      "<i>Alfred Chalon</i>",
     "Source": "AP", "Source URL": "https://apnews.com/article/observations-0001", "Notes": "check the spelling",
     "Tag": "science", "Lat": "46.2330", "Verified": "TRUE", "Group": "Awards"},
    {"Year": "1990", "Month": "5", "Day": "6", "Time": "13:30:45", "Headline": "Stray tags in the text",
     "Text": "<p>A stray </i> close, an <b>unclosed bold, and a <a href=\"//example.net/page\">protocol-relative "
             "link</a>.</p>",
     "Media": "www.youtube.com/watch?v=abc123", "Media Caption": "The <b>interview</b>",
     "Source URL": "https://example.com/source-2", "Notes": "multi\nline note"},
    {"Year": "1991", "Month": "6", "Day": "7", "Time": "13.30", "End Year": "1991", "End Month": "June",
     "End Day": "7", "End Time": "3:45 PM", "Display Date": "An <i>afternoon</i> in June", "Headline": "An iframe",
     "Media": '<iframe width="560" height="315" src="https://www.youtube.com/embed/xyz789" frameborder="0" '
              "allowfullscreen></iframe>", "Media Credit": "BBC"},
    {"Year": "1992", "Month": "7", "Day": "8", "Time": "09:15:30.250", "Headline": "A picture of ours",
     "Media": "media/pic.png", "Media Caption": "The harbour at <i>dawn</i>"},
    {"Year": "1993", "Headline": "A missing picture", "Media": "media/missing.jpg", "Alt Text": "A ship"},
    {"Year": "1994", "Headline": "A PDF", "Media": "docs/report.pdf", "Media Caption": "The report"},
    {"Year": "1995", "Headline": "A sound", "Media": "sounds/interview.mp3"},
    {"Start Date": "2031-01-07", "Headline": "ISO whatever the flag"},
    {"Start Date": "07/02/2031", "Headline": "Day first"},
    {"Year": "1996", "Month": "1", "Text": "<p>The harbour reopens after three years of works on the quays and "
                                            "the channel.</p>"},
    {"Year": "1996", "Month": "2", "Media": "https://example.org/photo.jpg", "Media Caption": "Crowds <b>cheer</b>"},
    {"Year": "1996", "Month": "3", "Display Date": "Spring 1996"},
    {"Year": "1997", "Headline": "AT&amp;T &amp; partners", "unnamed": "kept too",
     "Text": "Plain text with *stars* and a 1. list-like start"},
    {"Year": "1998", "Headline": "A local picture with alt text", "Media": "media/pic.png",
     "Alt Text": "The harbour", "Media Credit": "Ola <b>Nes</b>"},
    {"Year": "1940", "End Year": "1945", "Headline": "The war years", "Type": "era", "Text": "Era text"},
]
DATES = {   # title -> (date, precision, end) in timeline.json: every event of GOOD
    "Publishes Observations; wins": ("1987-03-04", "day", None),
    "Stray tags in the text": ("1990-05-06T13:30:45+00:00", "second", None),
    "An iframe": ("1991-06-07T13:30+00:00", "minute", "1991-06-07T15:45+00:00"),
    "A picture of ours": ("1992-07-08T09:15:30+00:00", "second", None),
    "A missing picture": ("1993", "year", None),
    "A PDF": ("1994", "year", None),
    "A sound": ("1995", "year", None),
    "ISO whatever the flag": ("2031-01-07", "day", None),
    "Day first": ("2031-02-07", "day", None),
    "The harbour reopens after three years of works on the quays\u2026": ("1996-01", "month", None),
    "Crowds cheer": ("1996-02", "month", None),
    "Spring 1996": ("1996-03", "month", None),
    "AT&T & partners": ("1997", "year", None),
    "A local picture with alt text": ("1998", "year", None),
}
DATE_COLUMNS = {"Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Start Date", "Type"}


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name])
        self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def cell_words_and_links(cell: str) -> tuple[list[str], list[str]]:
    parser = _Words()
    parser.feed(cell)
    parser.close()
    return re.findall(r"\w+", "".join(parser.parts)), parser.links


def full_address(link: str) -> str:
    if link.startswith("//"):
        return "https:" + link
    if link.startswith("www."):
        return "https://" + link
    return link


def everything_written(project: Path) -> tuple[set[str], str]:
    """Every word of the entry files and the built pages, and all of it as text."""
    texts = [p.read_text(encoding="utf-8") for p in (project / "content").rglob("*.md")]
    for page in (project / "site").rglob("*.html"):
        words = _Words()
        words.feed(page.read_text(encoding="utf-8"))
        texts.append("".join(words.parts) + " " + " ".join(words.links))
    whole = "\n".join(texts)
    return set(re.findall(r"\w+", whole)), whole


@pytest.fixture(scope="module")
def cluttered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cluttered")
    project = init_project(tmp)
    (project / "content" / "_index.md").unlink()
    (project / "content" / "media").mkdir()
    (project / "content" / "media" / "pic.png").write_bytes(png(30, 20))
    (project / "content" / "docs").mkdir()
    (project / "content" / "docs" / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n")
    sheet = tmp / "real.csv"
    sheet.write_text(sheet_text(GOOD), encoding="utf-8")
    result = run_in(project, "import", str(sheet), "--dayfirst")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return project, built(project, "--drafts"), result, sheet


def physical_line(sheet: Path, headline_or_text: str) -> int:
    """The line of the sheet where the row holding this text starts."""
    text = sheet.read_text(encoding="utf-8")
    at = text.index(headline_or_text)
    return text.count("\n", 0, text.rfind("\n", 0, at) + 1) + 1


def test_every_cell_word_link_and_date_is_in_what_was_written_and_built(cluttered):
    project, data, _, _ = cluttered
    words, whole = everything_written(project)
    for row in GOOD:
        for column, cell in row.items():
            if column in DATE_COLUMNS or not cell:
                continue
            found, links = cell_words_and_links(cell)
            missing = [w for w in found if w not in words]
            assert not missing, (column, cell, missing)
            for link in links + ([cell] if column == "Media" and "<" not in cell else []):
                assert full_address(link) in whole, (column, link)
    titles = by_title(data)
    assert set(titles) == set(DATES)
    for title, (date, precision, end) in DATES.items():
        assert (titles[title]["date"], titles[title]["precision"], titles[title]["end"]) == (date, precision, end)
    assert titles["An iframe"]["display_date"] == "An afternoon in June"
    assert data["eras"] == [{"title": "The war years", "date": "1940", "end": "1945"}]


def test_unknown_columns_are_kept_as_text_under_extra_with_one_warning_each(cluttered):
    project, data, result, sheet = cluttered
    warned = [p for p in problems(result.stderr) if p[2] == "warning" and "unknown column" in p[3]]
    named = [re.search(r'unknown column "([^"]+)"', p[3])[1] for p in warned]
    assert sorted(named) == sorted(["Source", "Source URL", "Notes", "Tag", "Lat", "Verified"])
    assert all(line == 1 and path == str(sheet) for path, line, _, _ in warned)
    message = {name: p[3] for name, p in zip(named, warned)}
    assert 'did you mean "Sources"' in message["Source"]
    assert '"Group"' in message["Tag"]        # TimelineJS's older sheets call the group "Tag"
    entry = by_title(data)["Publishes Observations; wins"]
    assert entry["extra"] == {"Source": "AP", "Source URL": "https://apnews.com/article/observations-0001",
                              "Notes": "check the spelling", "Tag": "science", "Lat": "46.2330", "Verified": "TRUE"}
    assert entry["tags"] == []                # Tag is not Tags
    assert entry["group"] == "Awards"
    assert by_title(data)["Stray tags in the text"]["extra"] == {"Source URL": "https://example.com/source-2",
                                                                 "Notes": "multi\nline note"}
    assert by_title(data)["AT&T & partners"]["extra"] == {"Column Y": "kept too"}
    unnamed = [p for p in problems(result.stderr) if p[2] == "warning" and "Column Y" in p[3]]
    assert len(unnamed) == 1 and unnamed[0][1] == physical_line(sheet, "AT&amp;T")
    text = (project / "content" / "1987-03-04-publishes-observations-wins.md").read_text(encoding="utf-8")
    assert '"Lat": "46.2330"' in text and '"Verified": "TRUE"' in text


def test_markup_reads_as_a_reader_sees_it_and_never_leaks_markers(cluttered):
    project, data, _, _ = cluttered
    titles = by_title(data)
    first = titles["Publishes Observations; wins"]
    text = (project / "content" / f"{first['slug']}.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    assert body.startswith("She publishes *Observations*; wins [the prize](https://example.org/prize).\n\n"
                           "A second paragraph, after a line break.")
    page = read_page(project / "site", first["url"])
    main = page.main_text()
    assert "She publishes Observations; wins the prize." in main
    assert [e.words() for e in page.root.find_all("em")][:1] == ["Observations"]
    stray = titles["Stray tags in the text"]
    shown = read_page(project / "site", stray["url"]).main_text()
    assert "A stray close, an unclosed bold, and a protocol-relative link." in shown
    assert "https://example.net/page" in read_page(project / "site", stray["url"]).a_hrefs()
    bodies = 0
    for entry in data["entries"]:
        heading = read_page(project / "site", entry["url"]).by_id("summary-h")
        if heading is None or entry["title"] == "AT&T & partners":     # that one's words hold stars
            continue
        bodies += 1
        shown_words = heading.parent.words()
        assert not [marker for marker in ("*", "\\", "](", "[") if marker in shown_words], (entry["title"], shown_words)
    assert bodies == 3      # the three events of GOOD with a Text, "AT&T & partners" aside
    plain = titles["AT&T & partners"]
    assert "Plain text with *stars* and a 1. list-like start" in read_page(project / "site", plain["url"]).main_text()


def test_media_in_every_form_as_url_items_files_or_comments(cluttered):
    project, data, result, sheet = cluttered
    titles = by_title(data)
    first = titles["Publishes Observations; wins"]["media"][0]
    assert first["url"] == "https://upload.wikimedia.org/wikipedia/commons/a/a4/Portrait.jpg"
    assert first["caption"] == ("[Portrait](https://commons.wikimedia.org/wiki/File:Portrait.jpg) by *Alfred Chalon*")
    assert first["credit"] == "[Wikimedia Commons](https://commons.wikimedia.org/wiki/Main_Page)"
    assert titles["Stray tags in the text"]["media"][0]["url"] == "https://www.youtube.com/watch?v=abc123"
    assert titles["An iframe"]["media"] == [{"file": None, "url": "https://www.youtube.com/embed/xyz789", "alt": None,
                                             "caption": None, "credit": "BBC"}]
    ours = titles["A picture of ours"]["media"][0]
    assert ours["file"] == "media/media/pic.png" and ours["alt"] == "The harbour at dawn"
    assert titles["A local picture with alt text"]["media"][0]["alt"] == "The harbour"
    warnings = {(p[1], p[3]) for p in problems(result.stderr) if p[2] == "warning"}

    def warned(text: str, *words: str) -> bool:
        line = physical_line(sheet, text)
        return any(n == line and all(w in m for w in words) for n, m in warnings)
    assert warned("A picture of ours", "media/pic.png", "Alt Text")
    for headline, path, why in (("A missing picture", "media/missing.jpg", "not in the project"),
                                ("A PDF", "docs/report.pdf", "a PDF"), ("A sound", "sounds/interview.mp3", "a sound")):
        assert warned(headline, path, why, "comment"), headline
        entry = titles[headline]
        assert entry["media"] == []
        text = (project / "content" / f"{entry['slug']}.md").read_text(encoding="utf-8")
        assert re.search(rf'^  # - file: "{re.escape(path)}"$', text, re.M), text
    assert '  #   caption: "The report"' in (project / "content" / f"{titles['A PDF']['slug']}.md").read_text("utf-8")
    # The title row's media: a link in the introduction, and a warning saying so.
    home = read_page(project / "site", "index.html")
    assert "https://upload.wikimedia.org/wikipedia/commons/4/4e/Eniac.jpg" in home.a_hrefs()
    assert data["title"] == "Computing pioneers"
    assert warned("Computing <i>pioneers</i>", "title row", "Media")


def test_an_event_without_a_headline_is_titled_from_its_text_caption_or_date(cluttered):
    project, data, result, sheet = cluttered
    titles = [e["title"] for e in data["entries"]]
    assert "The harbour reopens after three years of works on the quays\u2026" in titles
    assert "Crowds cheer" in titles
    assert "Spring 1996" in titles
    untitled = [p for p in problems(result.stderr) if p[2] == "warning" and 'no "Headline"' in p[3]]
    assert sorted(p[1] for p in untitled) == sorted(physical_line(sheet, t) for t in
                                                    ("The harbour reopens", "Crowds <b>cheer", "Spring 1996"))


# ---------------------------------------------------------------- dates TimelineJS writes that we refuse

BAD_DATES = """Year,Month,Day,Time,End Year,Headline,Start Date,End Date,Notes
-500,,,,,Negative year,,,
500 BC,,,,,A BC year,,,
,,,,,Negative start,-500,,
,,,,,BCE start,44 BCE,,
2001,,,,-3,Negative end,,,
24,3,1,,,Two digits,,,
,,,,,Start date and a note,2031-01-07,09/01/2031,"a note
over two lines"
2021,2,3,13:30:61,,Bad second,,,
"""


def test_negative_bce_and_two_digit_years_are_errors_at_their_line(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "bce.csv"
    sheet.write_text(BAD_DATES, encoding="utf-8")
    before = snapshot(project)
    result = run_in(project, "import", str(sheet), "--dayfirst")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {line: message for _, line, severity, message in problems(result.stderr) if severity == "error"}
    assert set(found) == {2, 3, 4, 5, 6, 7, 10}
    for line in (2, 3, 4, 5, 6):
        assert "before the common era" in found[line] and "dates start at year 1" in found[line]
    assert "two digits" in found[7] and "four digits" in found[7]
    assert "not a time of day" in found[10]
    assert snapshot(project) == before
    assert "500" not in "".join(p.read_text(encoding="utf-8") for p in (project / "content").glob("*.md"))


# ---------------------------------------------------------------- TimelineJS JSON

TL_JSON = {
    "title": {
        "media": {"url": "//upload.wikimedia.org/wikipedia/commons/1/17/ENIAC.gif", "caption": "The ENIAC",
                  "credit": "U.S. Army"},
        "text": {"headline": "Women in <i>Computing</i>",
                 "text": '<p>A sample, with <a href="https://timeline.knightlab.com/">a link</a>.</p>'},
        "background": {"color": "#000"},
    },
    "events": [
        {
            "start_date": {"year": "1815", "month": "12", "day": "10"},
            "end_date": {"year": 1852, "month": 11, "day": 27},
            "text": {"headline": "Ada Lovelace",
                     "text": '<p>Take <a href="https://en.wikipedia.org/wiki/Ada_Lovelace">Ada</a>; she '
                             "<b>programs</b>.</p>"},
            "media": {"url": "https://upload.wikimedia.org/wikipedia/commons/a/a4/Ada.jpg",
                      "caption": '<a href="https://en.wikipedia.org/wiki/File:Ada.jpg">Portrait</a>',
                      "credit": "Wikimedia Commons", "alt": "Ada Lovelace, seated", "thumbnail": "thumb.jpg"},
            "group": "Pioneers",
            "unique_id": "ada-lovelace",
            "background": {"url": "https://example.org/bg.jpg"},
            "autolink": False,
        },
        {
            "start_date": {"year": 1843, "month": 7, "day": 4, "hour": 13, "minute": 30, "second": 45,
                           "millisecond": 0, "display_date": "A summer afternoon"},
            "text": {"headline": "The notes", "text": "Published in a journal."},
            "media": {"url": '<iframe src="https://www.youtube.com/embed/abc"></iframe>', "caption": "A film"},
            "unique_id": "Not A Slug!",
        },
        {
            "start_date": {"year": 1946, "month": 2, "day": 15, "hour": "9", "minute": "5"},
            "text": {"text": "<p>The ENIAC is shown to the press.</p>"},
            "display_date": "15 February 1946, morning",
        },
        {
            "start_date": {"year": "1,987"},
            "text": {"headline": "A year with a separator"},
            "media": {"url": "www.example.org/page", "credit": "<i>Example</i>"},
            "group": "Pioneers",
        },
    ],
    "eras": [
        {"start_date": {"year": 1939}, "end_date": {"year": 1945},
         "text": {"headline": "The war", "text": "<p>Years of <b>rationing</b></p>"}},
    ],
    "scale": "human",
}


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def json_line(path: Path, text: str, after: str = "") -> int:
    source = path.read_text(encoding="utf-8")
    at = source.index(text, source.index(after) if after else 0)
    return source.count("\n", 0, at) + 1


@pytest.fixture(scope="module")
def from_json(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tljson")
    project = init_project(tmp)
    (project / "content" / "_index.md").unlink()
    source = write_json(tmp / "timeline.json", TL_JSON)
    result = run_in(project, "import", str(source))
    assert result.returncode == 0, result.stderr
    return project, built(project, "--drafts"), result, source


def test_json_every_field_lands_where_the_contract_says(from_json):
    project, data, result, source = from_json
    titles = by_title(data)
    assert data["title"] == "Women in Computing"
    assert "A sample, with a link." in read_page(project / "site", "index.html").main_text()
    assert data["eras"] == [{"title": "The war", "date": "1939", "end": "1945"}]
    # An era's text has no field in the settings: kept there as a comment, and named in a warning at its line.
    assert '    # "Text": "<p>Years of <b>rationing</b></p>"' in (project / "content" / "_index.md").read_text(encoding="utf-8")
    assert [p[1] for p in problems(result.stderr) if p[2] == "warning" and "an era" in p[3]] == [
        json_line(source, '"start_date"', '"eras"') - 1]
    ada = titles["Ada Lovelace"]
    assert (ada["slug"], ada["date"], ada["end"], ada["group"]) == ("ada-lovelace", "1815-12-10", "1852-11-27",
                                                                    "Pioneers")
    assert ada["media"] == [{"file": None, "url": "https://upload.wikimedia.org/wikipedia/commons/a/a4/Ada.jpg",
                             "alt": "Ada Lovelace, seated",
                             "caption": "[Portrait](https://en.wikipedia.org/wiki/File:Ada.jpg)",
                             "credit": "Wikimedia Commons"}]
    page = read_page(project / "site", ada["url"])
    assert "Take Ada; she programs." in page.main_text()
    assert "https://en.wikipedia.org/wiki/Ada_Lovelace" in page.a_hrefs()
    notes = titles["The notes"]
    assert (notes["date"], notes["precision"], notes["display_date"]) == ("1843-07-04T13:30:45+00:00", "second",
                                                                          "A summer afternoon")
    assert notes["media"][0]["url"] == "https://www.youtube.com/embed/abc"
    assert notes["slug"] == "1843-07-04-the-notes"     # its unique_id is no file name: named as usual, with a warning
    assert [p[1] for p in problems(result.stderr) if p[2] == "warning" and "unique_id" in p[3]] == [
        json_line(source, '"Not A Slug!"')]
    untitled = [e for e in data["entries"] if e["date"] == "1946-02-15T09:05+00:00"]
    assert len(untitled) == 1 and untitled[0]["title"] == "The ENIAC is shown to the press."
    assert untitled[0]["display_date"] == "15 February 1946, morning"
    separated = titles["A year with a separator"]
    assert (separated["date"], separated["media"][0]["url"]) == ("1987", "https://www.example.org/page")
    assert separated["media"][0]["credit"] == "*Example*"
    # Background and autolink are read and ignored; the title's media is a link in the introduction.
    assert "bg.jpg" not in json.dumps(data)
    assert "https://upload.wikimedia.org/wikipedia/commons/1/17/ENIAC.gif" in read_page(
        project / "site", "index.html").a_hrefs()


def test_json_words_links_and_dates_are_all_in_what_was_built(from_json):
    project, data, _, _ = from_json
    words, whole = everything_written(project)

    def strings(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("background", "autolink", "thumbnail", "unique_id", "scale"):
                    yield from strings(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v, key)
        elif isinstance(value, str) and key not in ("year", "month", "day", "hour", "minute"):
            yield key, value
    for key, value in strings(TL_JSON):
        found, links = cell_words_and_links(value)
        assert not [w for w in found if w not in words], (key, value)
        for link in links + ([value] if key == "url" and "<" not in value else []):
            assert full_address(link) in whole, link


def test_json_is_told_by_its_content_and_keeps_the_sheets_guarantees(tmp_path):
    project = init_project(tmp_path)
    named_otherwise = write_json(tmp_path / "export.txt", {"events": TL_JSON["events"][:1]})
    before = snapshot(project)
    dry = run_in(project, "import", str(named_otherwise), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "--- would write content/ada-lovelace.md" in dry.stdout
    assert snapshot(project) == before
    first = run_in(project, "import", str(named_otherwise))
    assert first.returncode == 0 and (project / "content" / "ada-lovelace.md").is_file()
    again = run_in(project, "import", str(named_otherwise))
    assert again.returncode == 1 and "--force" in again.stderr
    forced = run_in(project, "import", str(named_otherwise), "--force")
    assert forced.returncode == 0 and "replaced content/ada-lovelace.md" in forced.stdout


def test_json_errors_name_the_jsons_line_and_nothing_is_written(tmp_path):
    project = init_project(tmp_path)
    before = snapshot(project)
    bad = {"events": [
        {"start_date": {"year": 2001}, "text": {"headline": "Fine"}},
        {"start_date": {"year": -500}, "text": {"headline": "Before our era"}},
        {"start_date": {"year": 24, "month": 3}, "text": {"headline": "Two digits"}},
        {"start_date": {"year": 2001, "month": 13}, "text": {"headline": "Bad month"}},
        {"text": {"headline": "No date"}},
    ]}
    path = write_json(tmp_path / "bad.json", bad)
    result = run_in(project, "import", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {line: message for p, line, severity, message in problems(result.stderr) if severity == "error"}
    assert all(p == str(path) for p, *_ in problems(result.stderr))
    assert "before the common era" in found[json_line(path, "-500")]
    assert "two digits" in found[json_line(path, "24")]
    assert '"start_date.month"' in found[json_line(path, "13")]     # the JSON's own names
    assert '"start_date"' in found[json_line(path, '"No date"') - 2]
    assert len(found) == 4
    not_timelinejs = write_json(tmp_path / "other.json", {"events": [{"name": "Han", "begin": -206, "end": 220}]})
    result = run_in(project, "import", str(not_timelinejs))
    assert result.returncode == 1 and "not TimelineJS" in result.stderr
    assert snapshot(project) == before
    cosmic = write_json(tmp_path / "cosmic.json", {**TL_JSON, "scale": "cosmological"})
    result = run_in(project, "import", str(cosmic))
    assert result.returncode == 1
    assert [(p[1], "cosmological" in p[3]) for p in problems(result.stderr)] == [(json_line(cosmic, '"scale"'), True)]
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "events": [\n    {"start_date": {"year": 2001}},\n    {"text": }\n  ]\n}\n',
                      encoding="utf-8")
    result = run_in(project, "import", str(broken))
    assert result.returncode == 1 and [p[1] for p in problems(result.stderr)] == [4]
    assert "not valid JSON" in result.stderr
    assert snapshot(project) == before


def test_the_usage_says_csv_or_json():
    result = run_build("import", "--help")
    assert result.returncode == 0 and "FILE.csv|FILE.json" in result.stdout


# ---------------------------------------------------------------- TimelineJS's own sample, every cell

def test_timelinejs_sample_keeps_every_cells_words_and_links(tmp_path):
    from test_import import TIMELINEJS
    project = init_project(tmp_path)
    (project / "content" / "_index.md").unlink()
    result = run_in(project, "import", str(TIMELINEJS))
    assert result.returncode == 0, result.stderr
    built(project, "--drafts")
    words, whole = everything_written(project)
    with TIMELINEJS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 11
    for row in rows:
        for column, cell in row.items():
            # Media Thumbnail and Background are read and ignored (section 6).
            if column in DATE_COLUMNS | {"Media Thumbnail", "Background"} or not cell:
                continue
            found, links = cell_words_and_links(cell)
            assert not [w for w in found if w not in words], (column, cell)
            for link in links + ([cell] if column == "Media" and "<" not in cell else []):
                assert full_address(link) in whole, (column, link)


# ---------------------------------------------------------------- what else TimelineJS takes

def test_what_timelinejs_takes_imports_and_builds(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "takes.csv"
    sheet.write_text(
        "Year,Month,Day,Headline,Media,Media Caption,Type\n"
        ",,,The title,,,title\n"
        "2001,,,A second title row,,,title\n"
        "1 987,Sept,1st,Spaced year and an ordinal day,\"C:\\Users\\me\\pic.jpg\",,\n"
        "2002,,,A data address,\"data:image/png;base64,iVBORw0KGgo=\",A dot,\n"
        "1066 AD,,,A year of the common era,,,\n"
        "2003,,,A file name with spaces,//upload.wikimedia.org/wikipedia/commons/a/ab/Old map.jpg,,\n",
        encoding="utf-8")
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    warnings = {line: message for _, line, severity, message in problems(result.stderr) if severity == "warning"}
    assert "second row of Type \"title\"" in warnings[3] and "line 2" in warnings[3]
    assert "outside the content folder" in warnings[4] and "comment" in warnings[4]
    assert "data:" in warnings[5] and "comment" in warnings[5]
    data = built(project, "--drafts")
    titles = by_title(data)
    assert titles["A second title row"]["date"] == "2001"
    assert titles["Spaced year and an ordinal day"]["date"] == "1987-09-01"
    assert titles["A year of the common era"]["date"] == "1066"
    assert titles["A data address"]["media"] == []
    assert titles["A file name with spaces"]["media"][0]["url"] == (
        "https://upload.wikimedia.org/wikipedia/commons/a/ab/Old%20map.jpg")
    text = (project / "content" / f"{titles['A data address']['slug']}.md").read_text(encoding="utf-8")
    assert '  # - url: "data:image/png;base64,iVBORw0KGgo="' in text and '  #   caption: "A dot"' in text


def test_a_row_adding_a_quote_names_the_cells_it_does_not_keep(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("Year,Headline,Text,Quote,Quote By,Sources,Place\n"
                     "2001,Speech,The speech,Hello,Ann,abc,Oslo\n"
                     "2001,Speech,The speech,Again,Ann,,Bergen\n", encoding="utf-8")
    result = run_in(project, "import", str(sheet), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert [(p[1], '"Place"' in p[3] and "line 2" in p[3]) for p in problems(result.stderr)] == [(3, True)]
    assert '"Text"' not in result.stderr      # the same as the first row's: nothing lost


def test_json_in_a_script_with_javascripts_commas_is_read_at_its_own_lines(tmp_path):
    project = init_project(tmp_path)
    script = tmp_path / "timeline_data.js"
    script.write_text(
        "var timeline_json_data = {\n"
        '    "scale": "human",\n'
        '    "events": [\n'
        "        {\n"
        '            "start_date": {"year": "1711", "month": "01", "day": "10", "hour": "16", "minute": "45",\n'
        '                           "second": "56", "millisecond": "", "format": ""},\n'
        '            "media": {"url": "https://en.wikipedia.org/wiki/X", "caption": "a, b,", "thumb": "",},\n'
        '            "text": {"headline": "Fine, with commas", "text": "[1], {2},"},\n'
        '            "coords": {"lng": 45, "lat": 40},\n'
        "        },\n"
        "        {\n"
        '            "start_date": {"year": "-44"},\n'
        '            "text": {"headline": "Caesar"}\n'
        "        },\n"
        "    ]\n"
        "};\n", encoding="utf-8")
    result = run_in(project, "import", str(script))
    assert result.returncode == 1
    assert [(p[1], p[2]) for p in problems(result.stderr)] == [(12, "error")]
    assert "before the common era" in result.stderr
    script.write_text(script.read_text(encoding="utf-8").replace('"-44"', '"1744"'), encoding="utf-8")
    result = run_in(project, "import", str(script))
    assert result.returncode == 0, result.stderr
    data = built(project, "--drafts")
    entry = by_title(data)["Fine, with commas"]
    assert (entry["date"], entry["media"][0]["caption"]) == ("1711-01-10T16:45:56+00:00", "a, b,")
    assert "[1], {2}," in read_page(project / "site", entry["url"]).main_text()


def test_a_frame_in_text_is_dropped_and_named(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "frame.csv"
    sheet.write_text('Year,Headline,Text\n2001,Watch,"<p>Watch it.</p><iframe src=""//www.youtube.com/embed/q"">'
                     '</iframe>"\n', encoding="utf-8")
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    assert [(p[1], "https://www.youtube.com/embed/q" in p[3] and '"Media"' in p[3])
            for p in problems(result.stderr)] == [(2, True)]
    page = read_page(project / "site", built(project, "--drafts")["entries"][0]["url"])
    assert "Watch it." in page.main_text() and "<iframe" not in page.source
