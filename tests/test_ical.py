"""speedups/ical.py writes timeline.ics's events as the icalendar library
does, byte for byte: generated events with every kind of text (commas,
semicolons, backslashes, new lines, long and non-ASCII lines that fold)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from hypothesis import given, settings, strategies as st

from timeline.render.exports import IcsEvent, icalendar_event, icalendar_frame
from timeline.speedups.ical import WRITER, calendar_frame, event_text

# Text as titles and summaries hold it: any printable character, and the
# ones iCalendar escapes or folds at, often.
PIECES = st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                   st.sampled_from(list("\\;,:^\"\n é€😀\ufeff") + ["\r\n", "\\N", "  "]))
TEXT = st.lists(PIECES, max_size=200).map("".join)
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
MOMENTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
    lambda d: d.replace(microsecond=0, tzinfo=timezone.utc))


@st.composite
def events(draw) -> IcsEvent:
    timed = draw(st.booleans())
    start = draw(MOMENTS if timed else DAYS)
    end = draw(st.one_of(st.none(), MOMENTS if timed else DAYS))
    return IcsEvent(
        uid=draw(st.from_regex(r"[\w-]{1,90}", fullmatch=True)) + "@" + draw(st.sampled_from(["timeline", "example.org"])),
        dtstamp=draw(MOMENTS), start=start, end=end, summary=draw(TEXT), description=draw(TEXT),
        location=draw(st.one_of(st.none(), TEXT)), categories=draw(st.lists(TEXT.filter(bool), max_size=4)),
        url=draw(st.one_of(st.none(), st.from_regex(r"https://example\.org/[a-z0-9%/._-]{0,120}", fullmatch=True))),
    )


@settings(max_examples=400, deadline=None)
@given(events())
def test_event_text_is_the_librarys(ev):
    assert event_text(ev) == icalendar_event(ev)


def test_a_long_line_folds_where_the_library_folds_it():
    ev = IcsEvent(uid="x@timeline", dtstamp=datetime(2021, 3, 26, tzinfo=timezone.utc), start=date(2021, 3, 26),
                  end=date(2021, 3, 27), summary="a" * 73 + "\\" + "b" * 200, description="é" * 100,
                  location=None, categories=[], url=None)
    text = event_text(ev)
    assert text == icalendar_event(ev)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    parsed = icalendar.Event.from_ical(text)
    assert str(parsed["summary"]) == ev.summary and str(parsed["description"]) == ev.description
    assert parsed.decoded("dtend") - parsed.decoded("dtstart") == timedelta(days=1)


def test_escapes_at_every_place_a_fold_may_fall():
    """A backslash or ^ at each octet around the folds, in ASCII and not."""
    for k in range(60, 240):
        for mark in ("\\", "^", ",", ";", "é"):
            text = "a" * k + mark + "b" * 150
            ev = IcsEvent(uid="x@timeline", dtstamp=datetime(2021, 3, 26, tzinfo=timezone.utc),
                          start=date(2021, 3, 26), end=None, summary=text, description=text.replace("a", "\\"),
                          location=text[::-1], categories=[text], url=None)
            assert event_text(ev) == icalendar_event(ev), (k, mark)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_calendar_around_the_events_is_the_librarys(title):
    # The fast engine's writer writes the frame too, so a build never loads the library.
    try:
        expected = icalendar_frame(title)
    except AssertionError:   # the library refuses a line break in the title: so must the writer
        with pytest.raises(AssertionError):
            calendar_frame(title)
        return
    assert calendar_frame(title) == expected
    assert WRITER.frame(title) == icalendar_frame(title)


def test_a_build_with_the_fast_writer_never_loads_the_library(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from timeline.cli import main; rc = main(sys.argv[1:]); "
            "print('icalendar' in sys.modules); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, "--content", str(root / "content"), "--seeds", str(root / "seeds"),
                           "--out", str(tmp_path / "site"), "--no-cache", "--jobs", "1"],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert (tmp_path / "site" / "timeline.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
