"""import's columns for the fields a TimelineJS sheet has none for
(Approximate, Updated, corrections, figures, Extra), the further rows of an
event that add its next media item, figure, correction or cited passage,
escaped text and the formula guard: the shapes entries.csv has (section 8's
round trip), read as a spreadsheet saves them (BOM, CRLF, cells after ')."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from helpers import problems, read_page, snapshot
from test_import import built, by_title, init_project, png, run_in, with_sources

HEADER = ["Year", "Month", "Day", "Time", "Headline", "Text", "Media", "Media Credit", "Media Caption", "Alt Text",
          "Sources", "Passage", "Quote", "Quote By", "Quote Source", "Approximate", "Updated", "Correction Date",
          "Correction", "Figure What", "Figure Value", "Figure Qualifier", "Figure Unit", "Figure Label",
          "Figure According To", "Figure Source", "Figure Passage", "Extra", "Desk"]
WORKS = {"Year": "2021", "Month": "7", "Day": "2", "Time": "12:00:30",
         "Headline": "Work begins &amp; the &lt;script&gt; myth ends"}


def sheet_bytes(rows: list[dict[str, str]]) -> bytes:
    """The rows as a spreadsheet's "CSV UTF-8" saves them: a byte-order
    mark, CRLF line ends, quotes where a cell needs them."""
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def project_with_media(tmp_path: Path) -> Path:
    project = with_sources(init_project(tmp_path))
    (project / "content" / "media").mkdir()
    (project / "content" / "media" / "quay.png").write_bytes(png(40, 20))
    return project


def test_new_columns_and_further_rows_land_in_their_fields(tmp_path):
    project = project_with_media(tmp_path)
    rows = [
        {**WORKS, "Text": "Crews &amp; divers started at 5.", "Media": "media/quay.png", "Media Credit": "Kari &amp; Co",
         "Media Caption": "The &lt;b&gt;north&lt;/b&gt; quay", "Alt Text": "The north quay at dawn",
         "Sources": "harbour-news; radio", "Passage": "Work began on the north quay before dawn.",
         "Quote": "It will take a year", "Quote By": "the engineer", "Quote Source": "harbour-news",
         "Approximate": "TRUE", "Updated": "2021-07-03", "Correction Date": "2021-07-04",
         "Correction": "An earlier version gave the wrong quay.", "Figure What": "depth", "Figure Value": "'-3",
         "Figure Qualifier": "about", "Figure Unit": "m", "Figure Label": "metres below",
         "Figure According To": "the engineer", "Figure Source": "harbour-news",
         "Extra": '{"color": "red", "n": [1, {"a": true}]}', "Desk": "Harbour desk"},
        # The second row of the event: its second media item, figure, correction and citation's passage.
        {**WORKS, "Media": "https://video.example.org/watch?v=2", "Media Caption": "A second clip",
         "Sources": "radio", "Passage": 'The mayor said the plan was "a gift to the town".',
         "Correction Date": "2021-07-05", "Correction": "A second correction.", "Figure What": "cost",
         "Figure Value": "'+2500000", "Figure Unit": "EUR", "Figure Source": "radio"},
        {"Year": "2021", "Month": "8", "Day": "1", "Headline": "''=SUM(A1) is a title", "Sources": "radio",
         "Text": "'@mira wrote it", "Quote": "a gift to the town", "Quote By": "'-Jon Berg"},
    ]
    sheet = tmp_path / "entries.csv"
    sheet.write_bytes(sheet_bytes(rows))
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    # Only the column we do not know is named, once: ours are read, not kept aside.
    warnings = [p for p in problems(result.stderr) if p[2] == "warning"]
    assert [(w[1], '"Desk"' in w[3]) for w in warnings] == [(1, True)], result.stderr
    data = built(project)
    t = by_title(data)
    works = t["Work begins & the <script> myth ends"]
    assert (works["date"], works["precision"]) == ("2021-07-02T12:00:30+00:00", "second")
    assert works["approximate"] is True and works["updated"] == "2021-07-03"
    assert [(c["date"], c["text"]) for c in works["corrections"]] == [
        ("2021-07-04", "An earlier version gave the wrong quay."), ("2021-07-05", "A second correction.")]
    assert [(s["id"], s.get("passage")) for s in works["sources"]] == [
        ("harbour-news", "Work began on the north quay before dawn."),
        ("radio", 'The mayor said the plan was "a gift to the town".')]
    assert [(x["what"], x["value"], x.get("qualifier"), x.get("unit"), x.get("label"), x.get("according_to"),
             x["source"]) for x in works["figures"]] == [
        ("depth", -3, "about", "m", "metres below", "the engineer", "harbour-news"),
        ("cost", 2500000, None, "EUR", None, None, "radio")]
    assert [(m["file"], m["url"], m["caption"], m["credit"]) for m in works["media"]] == [
        ("media/media/quay.png", None, "The <b>north</b> quay", "Kari & Co"),
        (None, "https://video.example.org/watch?v=2", "A second clip", None)]
    # Extra's JSON is the entry's extra: (its values as front matter reads them: text); Desk joins it.
    assert works["extra"] == {"color": "red", "n": ["1", {"a": "true"}], "Desk": "Harbour desk"}
    body = read_page(project / "site", works["url"]).by_id("summary-h").parent.words()
    assert "Crews & divers started at 5." in body
    guarded = t["'=SUM(A1) is a title"]
    assert guarded["quotes"][0]["by"] == "-Jon Berg"
    assert "@mira wrote it" in read_page(project / "site", guarded["url"]).by_id("summary-h").parent.words()


def test_a_figure_value_with_thousands_a_figure_passage_and_an_extra_that_is_no_object(tmp_path):
    project = project_with_media(tmp_path)
    rows = [{"Year": "2022", "Month": "1", "Day": "10", "Headline": "A year of works", "Sources": "harbour-news",
             "Figure What": "years of work", "Figure Value": "1,000", "Figure Passage":
             '"It will take a year," the engineer said.', "Extra": '["a", 2]'}]
    sheet = tmp_path / "figures.csv"
    sheet.write_bytes(sheet_bytes(rows))
    result = run_in(project, "import", str(sheet), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "    value: 1000\n    source: harbour-news\n" in result.stdout
    assert "    passage: \"\\\"It will take a year,\\\" the engineer said.\"\n" in result.stdout
    # extra: may hold anything: the Extra's JSON array is the entry's extra:.
    assert "\n  - \"a\"\n  - \"2\"\n---\n" in result.stdout


BAD_ROWS = [
    ({"Approximate": "maybe"}, '"Approximate" must be "true" or blank'),
    ({"Updated": "3 Julember 2021"}, '"Updated"'),
    ({"Correction": "No date given."}, '"Correction Date" and "Correction"'),
    ({"Figure What": "depth", "Figure Value": "deep"}, '"Figure Value" must be a number'),
    ({"Figure Value": "3"}, '"Figure What" and "Figure Value"'),
    ({"Extra": "color: red"}, '"Extra" is not JSON'),
    ({"Extra": "[1, 2]", "Desk": "Harbour desk"}, '"Extra" is not a JSON object, so the cells'),
]


def test_bad_cells_of_the_new_columns_are_errors_at_their_lines(tmp_path):
    project = with_sources(init_project(tmp_path))
    rows = [{"Year": "2021", "Month": "3", "Day": str(day), "Headline": f"Row {day}", "Sources": "radio", **cells}
            for day, (cells, _) in enumerate(BAD_ROWS, start=1)]
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(sheet_bytes(rows))
    before = snapshot(project)
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {line: message for _, line, severity, message in problems(result.stderr) if severity == "error"}
    assert sorted(found) == list(range(2, 2 + len(BAD_ROWS))), result.stderr
    for line, (_, words) in enumerate(BAD_ROWS, start=2):
        assert words in found[line], (line, found[line])
    assert snapshot(project) == before


def test_a_further_row_that_adds_nothing_or_a_passage_of_an_uncited_source_is_an_error(tmp_path):
    project = with_sources(init_project(tmp_path))
    first = {"Year": "2021", "Month": "3", "Day": "1", "Headline": "The plan", "Sources": "radio"}
    rows = [first,
            {**first, "Sources": ""},                                     # adds nothing yet
            {**first, "Sources": "harbour-news", "Passage": "Work began on the north quay before dawn."},
            {**first, "Sources": "radio; harbour-news", "Passage": "a gift"},
            {**first, "Sources": "radio", "Passage": "a gift to the town"},   # row 3 held its place
            {**first, "Sources": "radio"}]                                  # adds nothing, holds nothing
    sheet = tmp_path / "repeats.csv"
    sheet.write_bytes(sheet_bytes(rows))
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 1
    found = {line: message for _, line, severity, message in problems(result.stderr) if severity == "error"}
    assert set(found) == {4, 5, 7}, result.stderr
    assert "repeats the Headline and date of line 2 but adds nothing" in found[7]
    assert "which line 2's \"Sources\" does not name" in found[4]
    assert 'must name the one source the passage is from' in found[5]


def test_the_exported_sheet_of_an_entry_reads_back_through_a_spreadsheet_save(tmp_path):
    """entries.csv opened in a spreadsheet and saved again (the quotes of
    every cell, ;-separated, as a European locale saves) imports the same."""
    project = project_with_media(tmp_path)
    (project / "content" / "2021-07-02-works.md").write_text(
        "---\ntitle: \"'=Works & <b>more</b>\"\ndate: 2021-07-02T12:00:30\napproximate: true\nplace: \"'=quay\"\n"
        "display_date: Early <July>\ngroup: R&amp;D\nquotes:\n  - text: a gift to the town\n    by: Jon &amp; <Mira>\n"
        "    source: radio\nmedia:\n  - file: media/quay.png\n    alt: The quay & its <crane>\n"
        "    caption: A *crane* &amp; <b>\n"
        "sources:\n  - harbour-news\n  - radio\n  - id: harbour-news\n    passage: Work began on the north quay\n"
        "figures:\n"
        "  - what: depth\n    value: -3.5\n    source: harbour-news\nextra:\n  tone: calm\n---\nA & B.\n",
        encoding="utf-8")
    site = built(project)
    exported = (project / "site" / "entries.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    resaved = tmp_path / "resaved.csv"
    out = io.StringIO()
    csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    resaved.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    assert rows[1][rows[0].index("Headline")] == "&#39;=Works &amp; &lt;b&gt;more&lt;/b&gt;"
    # A cell that began with ' before = gets one more ', which import takes off.
    assert rows[1][rows[0].index("Place")] == "''=quay"
    again = project_with_media(tmp_path / "again")
    result = run_in(again, "import", str(resaved))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    before, after = site["entries"][0], built(again)["entries"][0]
    # Plain text that would read as markup (a tag, an entity) is escaped in its cell, so it reads back as it was.
    for name in ("title", "date", "precision", "approximate", "place", "display_date", "group", "quotes", "media",
                 "extra"):
        assert json.dumps(after.get(name)) == json.dumps(before.get(name)), name
    # The third citation's passage is on the third row: the second holds its place.
    assert rows[2][rows[0].index("Headline")] == rows[3][rows[0].index("Headline")] == rows[1][rows[0].index("Headline")]
    assert [(r[rows[0].index("Sources")], r[rows[0].index("Passage")]) for r in rows[1:]] == [
        ("harbour-news; radio", ""), ("", ""), ("harbour-news", "Work began on the north quay")]
    assert [(s["id"], s.get("passage")) for s in after["sources"]] == [
        ("harbour-news", None), ("radio", None), ("harbour-news", "Work began on the north quay")]
    assert [(x["what"], x["value"], x["source"]) for x in after["figures"]] == [("depth", -3.5, "harbour-news")]
    words = [read_page(where / "site", e["url"]).by_id("summary-h").parent.words()
             for where, e in ((project, before), (again, after))]
    assert "A & B." in words[0] and words[0] == words[1]
    assert (before["title"], before["place"]) == ("'=Works & <b>more</b>", "'=quay")


def test_a_row_filled_down_adds_only_its_quote(tmp_path):
    """A sheet whose curator filled every cell down: the further row's
    Sources and Passage, media, figure and correction are the first row's,
    not further ones."""
    project = with_sources(init_project(tmp_path))
    first = {"Year": "2021", "Month": "3", "Day": "10", "Headline": "The plan is announced",
             "Sources": "harbour-news; radio", "Passage": "The town announced a plan to deepen the harbour.",
             "Quote": "a gift to the town", "Quote By": "Jon Berg", "Quote Source": "radio",
             "Media": "https://video.example.org/watch?v=1", "Media Caption": "The presentation",
             "Figure What": "depth", "Figure Value": "12", "Correction Date": "2021-03-11",
             "Correction": "The plan's date was wrong."}
    sheet = tmp_path / "filled.csv"
    sheet.write_bytes(sheet_bytes([first, {**first, "Quote": "deepen the harbour", "Quote By": "the town",
                                           "Quote Source": "harbour-news"}]))
    result = run_in(project, "import", str(sheet))
    assert result.returncode == 0, result.stderr
    assert [p[1] for p in problems(result.stderr)] == [1], result.stderr      # the Desk column's warning alone
    plan = by_title(built(project))["The plan is announced"]
    assert [(s["id"], s.get("passage")) for s in plan["sources"]] == [
        ("harbour-news", "The town announced a plan to deepen the harbour."), ("radio", None)]
    assert [q["by"] for q in plan["quotes"]] == ["Jon Berg", "the town"]
    assert len(plan["media"]) == len(plan["figures"]) == len(plan["corrections"]) == 1
