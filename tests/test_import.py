"""build.py init, new and import (CONTRACT.md section 6), run as a curator
runs them: on fresh projects, then built, and the output read back
(timeline.json, the pages)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from helpers import REPO, load_json, parse_html, problems, read_page, run_build, snapshot

TIMELINEJS = REPO / "tests" / "fixtures" / "timelinejs" / "women_in_computing.csv"

SOURCES = """harbour-news:
  file: news.txt
  publisher: Harbour News
  title: A year of works
  published: 2022-01-10
  archive: full
radio:
  file: radio.txt
  publisher: Radio Nord
  title: The mayor speaks
  published: 2021-03-02
"""
NEWS = """The town announced a plan to deepen the harbour.

Work began on the north quay before dawn.

"We did not expect a ship down there," said the diver Ola Nes.

"It will take a year," the engineer said.
"""
RADIO = """The mayor said the plan was "a gift to the town".
"""


def init_project(tmp_path: Path, name: str = "project") -> Path:
    result = run_build("init", tmp_path / name)
    assert result.returncode == 0, result.stderr
    return tmp_path / name


def with_sources(project: Path) -> Path:
    (project / "seeds" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (project / "seeds" / "news.txt").write_text(NEWS, encoding="utf-8")
    (project / "seeds" / "radio.txt").write_text(RADIO, encoding="utf-8")
    return project


def run_in(project: Path, *args: str):
    return run_build(*args, cwd=project)


def built(project: Path, *args: str) -> dict:
    result = run_in(project, "build", "--no-cache", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return load_json(project / "site")


def by_title(data: dict) -> dict[str, dict]:
    return {e["title"]: e for e in data["entries"]}


# ---------------------------------------------------------------- init and new

def test_init_makes_a_project_that_builds_at_once(tmp_path):
    project = init_project(tmp_path)
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [
        ".github/workflows/pages.yml", ".gitignore", "README.md", "content/_index.md", "requirements.txt",
        "seeds/sources.yaml"]
    assert not (project / "templates").exists() and not (project / "static").exists()
    ignored = (project / ".gitignore").read_text(encoding="utf-8").split()
    assert "site/" in ignored and ".cache/" in ignored
    data = built(project)
    assert data["entries"] == [] and data["timezone"] == "UTC"
    assert (project / "site" / "index.html").is_file()


def test_init_refuses_a_folder_that_holds_a_project(tmp_path):
    project = init_project(tmp_path)
    before = snapshot(project)
    again = run_build("init", project)
    assert again.returncode == 1 and again.stderr.startswith("build.py: error: ")
    assert "content" in again.stderr and "Traceback" not in again.stderr
    assert snapshot(project) == before


def test_new_writes_a_draft_that_builds_and_is_shown_marked_under_drafts(tmp_path):
    project = init_project(tmp_path)
    result = run_in(project, "new", "Ships run aground: the harbour silts up", "--date", "2021-03-10")
    assert result.returncode == 0, result.stderr
    path = project / result.stdout.strip()
    assert path == project / "content" / "2021-03-10-ships-run-aground-the-harbour-silts-up.md"
    text = path.read_text(encoding="utf-8")
    assert "draft: true" in text
    for key in ("end", "approximate", "display_date", "place", "group", "tags", "people", "quotes", "figures",
                "media", "updated", "corrections"):
        assert re.search(rf"^# {key}:", text, re.M), f"{key} is not shown as a comment"
    # Left out (with a warning that it needs a source) without --drafts; shown, marked, with it.
    plain = run_in(project, "build", "--no-cache")
    assert plain.returncode == 0 and "1 draft left out" in plain.stderr
    assert any(p[2] == "warning" and "no source yet" in p[3] for p in problems(plain.stderr))
    data = built(project, "--drafts")
    entry = data["entries"][0]
    assert entry["title"] == "Ships run aground: the harbour silts up" and entry["draft"] is True
    page = read_page(project / "site", entry["url"])
    assert "No source yet" in page.main_text() and "Draft" in page.main_text()
    card = read_page(project / "site", "index.html").by_id(entry["slug"])
    assert "No source yet" in card.words()


def test_new_takes_today_in_the_timelines_zone_and_never_replaces_a_file(tmp_path):
    project = init_project(tmp_path)
    first = run_in(project, "new", "Café Ørsted opens")
    assert first.returncode == 0, first.stderr
    name = Path(first.stdout.strip()).name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-café-ørsted-opens\.md", name), name
    assert unicodedata.is_normalized("NFC", name)
    path = project / first.stdout.strip()
    path.write_text(path.read_text(encoding="utf-8") + "My notes.\n", encoding="utf-8")
    again = run_in(project, "new", "Café Ørsted opens")
    assert again.returncode == 1 and "already exist" in again.stderr and "--force" in again.stderr
    assert path.read_text(encoding="utf-8").endswith("My notes.\n")
    bad = run_in(project, "new", "X", "--date", "01/02/2022")
    assert bad.returncode == 1 and bad.stderr.startswith("build.py: error: --date") and "Traceback" not in bad.stderr


# ---------------------------------------------------------------- TimelineJS's own sheet

@pytest.fixture(scope="module")
def timelinejs(tmp_path_factory) -> Path:
    project = init_project(tmp_path_factory.mktemp("tljs"))
    (project / "content" / "_index.md").unlink()   # so that the title row makes it
    result = run_in(project, "import", str(TIMELINEJS))
    assert result.returncode == 0, result.stderr
    return project


def test_timelinejs_sample_imports_and_builds_as_drafts(timelinejs):
    data = built(timelinejs, "--drafts")
    titles = by_title(data)
    assert len(data["entries"]) == 10
    assert data["title"] == "Women in Computing"
    assert all(e["draft"] and e["sources"] == [] for e in data["entries"])
    ada = titles["Ada Lovelace"]
    assert (ada["date"], ada["precision"], ada["end"]) == ("1815-12-10", "day", "1852-11-27")
    assert titles["...And the women who made it work"]["date"] == "1943-07"
    assert titles["Grace Hopper invents the compiler"]["precision"] == "year"
    # The title row: the home page's title and introduction.
    home = read_page(timelinejs / "site", "index.html")
    assert "In this sample timeline" in home.main_text()
    # Media: a link card naming its host, never loaded.
    page = read_page(timelinejs / "site", ada["url"])
    links = [a for a in page.root.find_all("a") if (a.attrs.get("href") or "").startswith("https://upload.wikimedia.org/")]
    assert links and "upload.wikimedia.org" in links[0].words()
    assert not [i for i in page.root.find_all("img") if "//" in (i.attrs.get("src") or "")]
    assert ada["media"][0]["url"].startswith("https://upload.wikimedia.org/")
    assert ada["media"][0]["credit"] == "Wikimedia Commons"
    # Its markup as Markdown, the link kept (CONTRACT.md section 6, additions of 2026-12-04).
    assert ada["media"][0]["caption"] == ("[Portrait by Alfred Edward Chalon]"
                                          "(https://en.wikipedia.org/wiki/Ada_Lovelace#/media/File:Ada_Lovelace_portrait.jpg)")
    # Without --drafts the build passes and names each entry that still needs a source.
    plain = run_in(timelinejs, "build", "--no-cache")
    assert plain.returncode == 0 and "10 drafts left out" in plain.stderr
    assert len([p for p in problems(plain.stderr) if "no source yet" in p[3]]) == 10


def test_timelinejs_title_row_is_printed_to_paste_when_index_exists(tmp_path):
    project = init_project(tmp_path)
    before = (project / "content" / "_index.md").read_bytes()
    result = run_in(project, "import", str(TIMELINEJS))
    assert result.returncode == 0, result.stderr
    assert 'title: "Women in Computing"' in result.stdout
    assert (project / "content" / "_index.md").read_bytes() == before
    assert "10 still need a source" in result.stdout


# ---------------------------------------------------------------- a sheet with every column

SHEET = """Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Alt Text,Type,Group,Background,Place,Tags,People,Sources,Passage,Quote,Quote By,Quote Source
,,,,,,,,,The harbour works,<p>How the harbour was <em>deepened</em>.</p>,,,,,,title,,,,,,,,,,
2021,1,,,2021,6,,,,Planning,,,,,,,era,,,,,,,,,,
2021,7,1,,2022,12,31,,,The works,,,,,,,era,,,,,,,,,,
2021,3,10,13:30,,,,,Early March,The plan is announced,"<p>The council <b>showed</b> its drawings.</p><ul><li>a new quay</li><li>a deeper channel</li></ul>",https://video.example.org/watch?v=1,Kari Lund,The presentation,thumb.jpg,The council chamber,,Council,#fff,Town hall,plan; council,Mira Holm,harbour-news; radio,The town announced a plan to deepen the harbour.,a gift to the town,Jon Berg,radio

2021,7,2,1330,,,,,,Work begins,Before dawn.,media/quay.png,Ola Nes,The north quay,,The north quay at dawn,,Works,,North quay,works,,harbour-news,Work began on the north quay before dawn.,,,
2021,7,2,1330,,,,,,Work begins,,,,,,,,,,,,,,,It will take a year,the engineer,
2021,8,5,1:30 PM,2021,8,5,3:05 pm,,Divers find a wreck,"A wreck, ""old"" and *big*",,,,,,,works,,,,Ola Nes,harbour-news,,We did not expect a ship down there,Ola Nes,
2021,8,6,13:30:15,,,,,,A second look,,,,,,,,,,,,,harbour-news,,,,
2021,9,,,,,,,,The works pause,,,,,,,,Works,,,,,,,,,
"""


def png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress((b"\0" + b"\x80" * width) * height)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> tuple[Path, dict, str]:
    tmp = tmp_path_factory.mktemp("harbour")
    project = with_sources(init_project(tmp))
    (project / "content" / "_index.md").unlink()    # so that the title row and eras make it
    (project / "content" / "_index.md").parent.mkdir(exist_ok=True)
    (project / "content" / "media").mkdir()
    (project / "content" / "media" / "quay.png").write_bytes(png(40, 20))
    sheet = tmp / "events.csv"
    sheet.write_bytes(b"\xef\xbb\xbf" + SHEET.replace("\n", "\r\n").encode("utf-8"))
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    return project, built(project, "--drafts"), result.stdout


def test_every_column_lands_where_the_contract_says(harbour):
    project, data, _ = harbour
    t = by_title(data)
    assert data["title"] == "The harbour works"
    assert data["eras"] == [{"title": "Planning", "date": "2021-01", "end": "2021-06"},
                            {"title": "The works", "date": "2021-07-01", "end": "2022-12-31"}]
    plan = t["The plan is announced"]
    assert (plan["date"], plan["precision"], plan["display_date"]) == ("2021-03-10T13:30+00:00", "minute", "Early March")
    assert (plan["group"], plan["place"], plan["tags"], plan["people"]) == ("Council", "Town hall", ["plan", "council"], ["Mira Holm"])
    assert [s["id"] for s in plan["sources"]] == ["harbour-news", "radio"]
    assert plan["sources"][0]["passage"] == "The town announced a plan to deepen the harbour."
    assert plan["quotes"] == [{"text": "a gift to the town", "by": "Jon Berg", "source": "radio",
                               "url": plan["quotes"][0]["url"]}]
    assert plan["media"] == [{"file": None, "url": "https://video.example.org/watch?v=1", "alt": "The council chamber",
                              "caption": "The presentation", "credit": "Kari Lund"}]
    body = read_page(project / "site", plan["url"]).by_id("summary-h").parent
    assert "The council showed its drawings." in body.words()
    assert [li.words() for li in body.find_all("li")] == ["a new quay", "a deeper channel"]
    # Quotes over several rows: the repeated Headline and date add theirs; Quote Source defaults to the first source.
    works = t["Work begins"]
    assert works["date"] == "2021-07-02T13:30+00:00"
    assert [(q["text"], q["by"], q["source"]) for q in works["quotes"]] == [("It will take a year", "the engineer", "harbour-news")]
    assert works["media"][0]["file"] == "media/media/quay.png" and works["media"][0]["alt"] == "The north quay at dawn"
    assert (project / "site" / "media" / "media" / "quay.png").read_bytes() == png(40, 20)
    wreck = t["Divers find a wreck"]
    assert (wreck["date"], wreck["end"]) == ("2021-08-05T13:30+00:00", "2021-08-05T15:05+00:00")
    assert wreck["group"] == "works"      # one group with "Works", as most write it
    text = read_page(project / "site", wreck["url"]).by_id("summary-h").parent.words()
    assert 'A wreck, "old" and *big*' in text     # the sheet's words, not re-read as Markdown
    assert t["A second look"]["date"] == "2021-08-06T13:30:15+00:00" and t["A second look"]["precision"] == "second"
    pause = t["The works pause"]
    assert (pause["date"], pause["precision"], pause["draft"]) == ("2021-09", "month", True)
    groups = read_page(project / "site", "groups/works.html")
    listed = [a.words() for a in groups.root.find_all("a") if "entries/" in (a.attrs.get("href") or "")]
    assert listed == ["Work begins", "Divers find a wreck", "The works pause"]


def test_the_import_says_which_entries_still_need_a_source(harbour):
    project, _, stdout = harbour
    assert "1 still need a source" in stdout
    assert "2021-09-the-works-pause.md" in stdout


def test_round_trip_file_names_dates_and_drafts(harbour):
    project, data, _ = harbour
    names = sorted(p.name for p in (project / "content").glob("*.md") if p.name != "_index.md")
    assert names == ["2021-03-10-the-plan-is-announced.md", "2021-07-02-work-begins.md",
                     "2021-08-05-divers-find-a-wreck.md", "2021-08-06-a-second-look.md", "2021-09-the-works-pause.md"]
    assert [e["slug"] + ".md" for e in data["entries"]] == names
    # Eras on the home page: listed, and drawn as labelled bands.
    home = read_page(project / "site", "index.html")
    nav = next(n for n in home.root.find_all("nav") if n.attrs.get("aria-label") == "Eras")
    assert [a.words() for a in nav.find_all("a")] == ["Planning", "The works"]
    for a in nav.find_all("a"):
        assert home.by_id(a.attrs["href"].lstrip("#")) is not None
    assert len(home.root.find_all("rect", **{"class": "band"})) == 2


# ---------------------------------------------------------------- bad sheets

BAD = """Year,Month,Day,Time,Headline,Text,Sources,Quote,Quote By,Start Date,Media,Type
2021,3,10,,Fine row,,radio,,,,,
0,1,1,,Year zero,,,,,,,
2021,13,1,,Bad month,,,,,,,
2021,2,30,,No such day,,,,,,,
2021,3,1,25:00,Bad time,,,,,,,
2021,3,2,,,Text without a headline,,,,,,
2021,3,10,,Fine row,,,,,,,
,,,,Ambiguous,,,,,07/01/2022,,
,,,,Two digits,,,,,7 Jan 22,,
2021,3,3,,Quote without by,,radio,Words,,,,
2021,3,4,,Bad media,,,,,,javascript:alert(1),
2021,3,5,,Odd type,,,,,,,slide
2021,3,6,,"Multi
line",,Not An Id,,,,,
"""


def test_every_bad_row_is_reported_at_its_line_and_nothing_is_written(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(BAD, encoding="utf-8")
    before = snapshot(project)
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {line: message for path, line, severity, message in problems(result.stderr) if severity == "error"}
    assert all(path == str(sheet) for path, *_ in problems(result.stderr))
    # Line 7, text without a headline, is titled from its text with a warning (as TimelineJS shows it).
    assert any(line == 7 and severity == "warning" and 'no "Headline"' in message and '"Text without a headline"'
               in message for _, line, severity, message in problems(result.stderr))
    expected = {3: "before year 1", 4: "Month", 5: "day 30 does not exist", 6: "not a time of day",
                8: "repeats the Headline and date of line 2", 9: "--dayfirst or --monthfirst",
                10: "two-digit year", 11: "Quote By", 12: "not an http(s) address", 13: "unknown Type",
                14: "not a source id"}
    for line, words in expected.items():
        assert line in found and words in found[line], (line, found.get(line))
    assert set(found) == set(expected)
    assert snapshot(project) == before
    assert result.stderr.splitlines()[-1] == f"build.py: error: {len(expected)} errors in {sheet}: nothing was written"


def test_numeric_dates_read_with_a_flag_or_when_only_one_reading_exists(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "dates.csv"
    sheet.write_text("Start Date,End Date,Headline,Sources\n07/01/2022 15:00,,Either way,\n25/12/2031,,One way,\n"
                     "February 2031,,A month,\n2031,,A year,\n3 Mar 2030,4 March 2030,Named,\n", encoding="utf-8")
    ambiguous = run_in(project, "import", str(sheet))
    assert ambiguous.returncode == 1
    assert [p[1] for p in problems(ambiguous.stderr) if p[2] == "error"] == [2]
    day = run_in(project, "import", str(sheet), "--dayfirst", "--dry-run")
    assert day.returncode == 0, day.stderr
    assert "date: 2022-01-07T15:00\n" in day.stdout and "date: 2031-12-25\n" in day.stdout
    assert "date: 2031-02\n" in day.stdout and "date: 2031\n" in day.stdout
    assert "date: 2030-03-03\nend: 2030-03-04\n" in day.stdout
    assert not list((project / "content").glob("*.md"))[1:], "--dry-run wrote nothing but _index.md existed"
    month = run_in(project, "import", str(sheet), "--monthfirst")
    assert month.returncode == 0, month.stderr
    data = built(project, "--drafts")
    assert by_title(data)["Either way"]["date"] == "2022-07-01T15:00+00:00"
    assert by_title(data)["One way"]["date"] == "2031-12-25"


def test_dry_run_prints_and_writes_nothing(tmp_path):
    project = init_project(tmp_path)
    before = snapshot(project)
    result = run_in(project, "import", str(TIMELINEJS), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "--- would write content/1815-12-10-ada-lovelace.md" in result.stdout
    assert snapshot(project) == before


def test_not_utf8_semicolons_blank_rows_and_an_unknown_column(tmp_path):
    project = init_project(tmp_path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Year,Headline\n2021,Caf\u00e9\n".encode("latin-1"))
    result = run_in(project, "import", str(latin))
    assert result.returncode == 1 and problems(result.stderr)[0][1] == 2
    assert '"CSV UTF-8"' in result.stderr
    semi = tmp_path / "semi.csv"
    semi.write_text("Year;Month;Day;Headline;Hedline text;Tags\n\n2021;3;1;Café; x;a; b\n;;;;;\n2021;3;2;Next;;\n",
                    encoding="utf-8")
    result = run_in(project, "import", str(semi))
    assert result.returncode == 0, result.stderr
    warnings = [p for p in problems(result.stderr) if p[2] == "warning"]
    assert warnings and warnings[0][1] == 1 and 'did you mean "Headline"' in warnings[0][3]
    assert sorted(p.name for p in (project / "content").glob("2021*.md")) == ["2021-03-01-café.md", "2021-03-02-next.md"]


def test_slugs_are_unique_short_and_nfc(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "slugs.csv"
    long = "A very long headline " * 8
    decomposed = unicodedata.normalize("NFD", "Färja")
    sheet.write_text(f"Year,Month,Day,Headline,Quote,Quote By,Sources\n2021,3,1,Vote!,,,\n2021,3,1,Vote?,,,\n"
                     f"2021,3,2,Vote!,,,\n2021,3,3,{long},,,\n2021,3,4,{decomposed},,,\n", encoding="utf-8")
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name[:-3] for p in (project / "content").glob("2021*.md"))
    assert "2021-03-01-vote" in names and "2021-03-01-vote-2" in names and "2021-03-02-vote" in names
    assert all(len(n) <= 11 + 80 for n in names)
    assert unicodedata.normalize("NFC", "2021-03-04-färja") in names


def test_hostile_html_in_the_sheet_never_reaches_a_page(tmp_path):
    project = init_project(tmp_path)
    sheet = tmp_path / "hostile.csv"
    text = ('<p onclick="steal()">Hello <script>alert(1)</script><style>body{display:none}</style>'
            '<iframe src="https://evil.example/"></iframe><a href="javascript:alert(2)">click</a> '
            '<img src=x onerror=alert(3)> <a href="https://ok.example/">ok</a></p>')
    sheet.write_text("Year,Headline,Text,Media\n" + f'2021,"<b>Bold</b> <script>x()</script>title","{text.replace(chr(34), chr(34) * 2)}",'
                     '"<blockquote>Embedded words<script>bad()</script></blockquote>"\n', encoding="utf-8")
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    data = built(project, "--drafts")
    entry = data["entries"][0]
    assert entry["title"] == "Bold title"
    html = (project / "site" / entry["url"]).read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "steal", "alert", "evil.example"):
        assert bad not in main, bad
    page = parse_html(html)
    assert any(a.attrs.get("href") == "https://ok.example/" for a in page.root.find_all("a"))
    assert "Embedded words" in page.main_text() and "Hello" in page.main_text()


def test_force_replaces_title_and_eras_of_an_existing_index_and_keeps_the_rest(tmp_path):
    project = init_project(tmp_path)
    index = project / "content" / "_index.md"
    index.write_text("---\ntitle: Old\ntimezone: Europe/Oslo\neras:\n  - title: Old era\n    date: 2000\n    end: 2001\n"
                     "---\nMy own introduction.\n", encoding="utf-8")
    sheet = tmp_path / "t.csv"
    sheet.write_text("Year,End Year,Headline,Text,Type\n,,New title,Ignored intro,title\n2021,2022,An era,,era\n",
                     encoding="utf-8")
    kept = run_in(project, "import", str(sheet))
    assert kept.returncode == 0 and "Old" in index.read_text(encoding="utf-8")
    assert 'title: "New title"' in kept.stdout and 'title: "An era"' in kept.stdout
    forced = run_in(project, "import", str(sheet), "--force")
    assert forced.returncode == 0, forced.stderr
    assert f"replaced {Path('content') / '_index.md'}" in forced.stdout
    data = built(project)
    assert data["title"] == "New title" and data["timezone"] == "Europe/Oslo"
    assert data["eras"] == [{"title": "An era", "date": "2021", "end": "2022"}]
    assert "My own introduction." in read_page(project / "site", "index.html").main_text()
