"""Messages that lead to the fix: small projects with the mistakes
curators make, built with build.py, read as a curator reads the first
error line (its PATH:LINE and what it says to do)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import problems, run_build

SOURCES = """\
harbour:
  file: harbour.txt
  publisher: Harbour Gazette
  title: Council votes to close Quay Street
  published: 2031-02-14
"""

HARBOUR = """\
Harbour Gazette — News — Council

The council met on Tuesday evening in the old customs house.

The mayor said: \u201cWe will reopen Quay Street to traffic once the repairs to the sea wall are finished, \
and not a day before that, whatever the traders say about the loss of their trade over the winter months.\u201d

Traders, 3,500 of them by the chamber\u2019s count, were unhappy.
"""


def project(tmp_path: Path, front: str, body: str = "What the council decided.\n") -> Path:
    root = tmp_path / "harbour"
    (root / "content").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "seeds" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "seeds" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (root / "content" / "2031-02-14-quay-street.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return root


def first_error(root: Path) -> tuple[str, int, str]:
    result = run_build("check", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = [p for p in problems(result.stderr) if p[2] == "error"]
    assert found, result.stderr
    # The first line printed is the one a curator reads.
    first = result.stderr.splitlines()[0]
    assert first == f"{found[0][0]}:{found[0][1]}: error: {found[0][3]}"
    return found[0][0], found[0][1], found[0][3]


ENTRY = "content/2031-02-14-quay-street.md"


@pytest.mark.parametrize("written, nearest", [
    ("We will open Quay Street to traffic", "We will reopen Quay Street to traffic"),
    # Straight marks where the source has curly ones: the same, as the matching rules read them.
    ("'\"We will open Quay Street to traffic'", "\u201cWe will reopen Quay Street to traffic"),
])
def test_a_misquote_names_the_words_that_differ_not_the_quotation_marks_around_them(tmp_path, written, nearest):
    root = project(tmp_path, "title: Quay Street closes\ndate: 2031-02-14\nsources: [harbour]\nquotes:\n"
                             f"  - text: {written}\n    by: The mayor\n    source: harbour\n")
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 6)
    parting = re.search(r'parting at (".*?") where the source has (".*?")$', message)
    assert parting and parting.groups() == ('"open"', '"reopen"'), message
    assert f'nearest to it in the source: "{nearest}" (seeds/harbour.txt:5)' in message


def test_a_passage_that_leaves_out_the_sources_comma_names_the_comma(tmp_path):
    root = project(tmp_path, "title: Quay Street closes\ndate: 2031-02-14\nsources:\n  - id: harbour\n"
                             "    passage: Traders 3,500 of them\n")
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 6)
    assert message.endswith('parting at "3,500" where the source has ", 3,500"'), message


def test_a_long_misquote_is_shown_where_it_parts_from_the_source(tmp_path):
    quote = ("We will reopen Quay Street to traffic once the repairs to the sea wall are finished, and not a day "
             "before that, whatever the traders say about the loss of their trade over the summer months.")
    root = project(tmp_path, f"title: Quay Street closes\ndate: 2031-02-14\nsources: [harbour]\nquotes:\n"
                             f"  - text: {quote}\n    by: The mayor\n    source: harbour\n")
    _, line, message = first_error(root)
    assert line == 6
    shown = re.match(r'quote not found verbatim in source "harbour": "(.*?)"; nearest to it in the source: "(.*?)"',
                     message)
    assert shown, message
    mine, theirs = shown.groups()
    assert mine.startswith("…") and mine.endswith("over the summer months.") and len(mine) <= 81
    assert theirs.startswith("…") and "over the winter months." in theirs and len(theirs) <= 82
    assert message.endswith('parting at "summer" where the source has "winter"')


def test_a_key_without_its_colon_is_reported_at_its_own_line(tmp_path):
    root = project(tmp_path, "title Quay Street closes\ndate: 2031-02-14\nsources: [harbour]\n")
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 2)
    assert "no \":\"" in message and message.endswith("write title: Quay Street closes")
    assert "2031-02-14" not in message and "quotes" not in message


def test_a_key_without_its_colon_further_down_a_list_is_reported_at_its_own_line(tmp_path):
    root = project(tmp_path, "title: Quay Street closes\ndate: 2031-02-14\nsources: [harbour]\nquotes:\n"
                             "  - text: We will reopen Quay Street\n    by The mayor\n    source: harbour\n")
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 7)
    assert message.endswith("write by: The mayor")


def test_a_list_item_of_several_words_is_not_taken_for_a_key_without_its_colon(tmp_path):
    root = project(tmp_path, "title: Quay Street closes\ndate: 2031-02-14\ntags:\n  - council vote\n"
                             "sources:\n  - id: harbour\n    passage: the council met: on Tuesday\n")
    _, line, message = first_error(root)
    assert line == 8 and message.endswith('write passage: "the council met: on Tuesday"'), message


def test_an_unclosed_quotation_mark_is_reported_where_it_opens(tmp_path):
    root = project(tmp_path, 'title: "Quay Street closes\ndate: 2031-02-14\nsources: [harbour]\nplace: Quay Street\n')
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 2)
    assert "not closed" in message and '"title"' in message


def test_a_quoted_value_over_two_lines_is_no_unclosed_mark(tmp_path):
    """YAML allows a quoted value to go on over lines: the error is elsewhere."""
    root = project(tmp_path, 'title: "Quay Street\n  closes"\ndate: 2031-02-14\nsources: [harbour]\nplace: a: b\n')
    _, line, message = first_error(root)
    assert line == 6 and 'write place: "a: b"' in message


@pytest.mark.parametrize("written, fix", [
    ("31/12/2024", "write 2024-12-31"),
    ("12/31/2024", "write 2024-12-31"),
])
def test_a_numeric_date_that_reads_one_way_says_how_to_write_it(tmp_path, written, fix):
    root = project(tmp_path, f"title: Quay Street closes\ndate: {written}\nsources: [harbour]\n")
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 3)
    assert message.endswith(fix) and "2024-31-12" not in message, message


@pytest.mark.parametrize("written, form", [
    ("March 6th, 2024", "write 'March 6, 2024', or 2024-03-06"),
    ("6th March 2024", "write '6 March 2024', or 2024-03-06"),
    ("Wednesday, 6 March 2024", "write '6 March 2024', or 2024-03-06"),
])
def test_an_english_date_near_an_accepted_form_names_the_form_to_write(tmp_path, written, form):
    root = project(tmp_path, f"title: Quay Street closes\ndate: {written}\nsources: [harbour]\n")
    path, line, message = first_error(root)
    assert (path, line) == (ENTRY, 3)
    assert message.endswith(form), message
    # ... and the form it names is read.
    fixed = form.split("'")[1]
    (root / "content" / "2031-02-14-quay-street.md").write_text(
        f"---\ntitle: Quay Street closes\ndate: {fixed}\nsources: [harbour]\n---\n", encoding="utf-8")
    assert run_build("check", cwd=root).returncode == 0


CAPTURED = """\
awaiting:
  file: harbour.txt
  title: Council votes to close Quay Street
  # publisher: (not stated by the page: fill it in)
  # published: (not stated by the page: fill it in)
"""


def test_an_uncited_source_may_lack_a_required_field_until_an_entry_cites_it(tmp_path):
    root = project(tmp_path, "title: Quay Street closes\ndate: 2031-02-14\nsources: [harbour]\n")
    with open(root / "seeds" / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(CAPTURED)
    built = run_build("build", cwd=root)
    assert built.returncode == 0, built.stderr
    found = problems(built.stderr)
    assert {(p[0], p[1], p[2]) for p in found} == {("seeds/sources.yaml", 7, "warning")}
    assert {p[3].split(":")[0] for p in found} == {'"publisher" is required', '"published" is required'}
    assert all('source "awaiting"' in p[3] for p in found)
    assert not (root / "site" / "sources" / "awaiting.html").exists()
    assert (root / "site" / "sources" / "harbour.html").is_file()

    entry = root / "content" / "2031-02-15-traders.md"
    entry.write_text("---\ntitle: Traders object\ndate: 2031-02-15\nsources: [awaiting]\n---\n", encoding="utf-8")
    failed = run_build("build", cwd=root)
    assert failed.returncode == 1
    errors = [p for p in problems(failed.stderr) if p[2] == "error"]
    assert [(p[0], p[1]) for p in errors] == [("seeds/sources.yaml", 7), ("seeds/sources.yaml", 7),
                                            ("content/2031-02-15-traders.md", 4)]
    assert all("content/2031-02-15-traders.md" in p[3] for p in errors[:2])
    assert not any(p[2] == "warning" for p in problems(failed.stderr))


def test_authoring_usage_errors_are_signed_by_the_command_that_ran(tmp_path):
    (tmp_path / "seeds").write_text("not a folder", encoding="utf-8")
    result = run_build("capture", "page.html", "--seeds", "seeds", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == "build.py: error: --seeds seeds is a file, not a folder\n"
