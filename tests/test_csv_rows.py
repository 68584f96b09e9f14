"""The exports' rows are written without csv.writer where a row needs no
quoting: the text must be csv.writer's to the byte, whatever the cells."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings, strategies as st

from timeline.render.exports import _FORMULA, csv_rows

# Cells as real ones come: mostly empty or plain words, some with what a
# CSV or a spreadsheet treats apart (commas, quotes, line breaks, a
# leading = + - @ or ', non-ASCII letters, spaces at the ends).
_cells = st.one_of(
    st.just(""),
    st.sampled_from(["Almaty", "3,800", 'he said "no"', "line\nbreak", "cr\rhere", "=SUM(A1)", "+7 701",
                     "-5", "@handle", "'quoted", "''=x", " padded ", "Қазақстан", "a;b", "2022-01-07"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


def _by_writer(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["'" + v if _FORMULA.match(v) else v for v in row]
                                                      for row in rows])
    return out.getvalue()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_cells, max_size=6), max_size=4))
def test_rows_are_written_as_csv_writer_writes_them(rows):
    assert csv_rows(rows) == _by_writer(rows)


def test_a_row_of_one_empty_cell_is_quoted_as_csv_writer_quotes_it():
    assert csv_rows([[""], ["a"], ["", ""]]) == '""\r\na\r\n,\r\n'
