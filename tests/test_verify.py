"""Tests of timeline.verify: verbatim matching, mark ids and paragraphs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from timeline.check.verify import (
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    Match,
    SourceText,
    line_spans,
    mark_id,
    normalise,
    paragraphs,
    split_pieces,
)
from timeline.check.verify import normalised_pieces


def found(text: str, needle: str) -> list[str] | None:
    """The original text of each matched piece, or None."""
    m = SourceText(text).find(needle)
    return None if m is None else [text[s:e] for s, e in m.spans]


# --------------------------------------------------------------- normalise


def test_normalise_whitespace() -> None:
    assert normalise("  a \t b\n\nc\r\n d\xa0e\u2009f\u3000g\u202fh  ") == "a b c d e f g h"
    assert normalise("") == ""
    assert normalise(" \n\t\xa0") == ""


def test_normalise_quotes() -> None:
    assert normalise("\u2018a\u2019 \u201cb\u201d") == "'a' \"b\""
    assert normalise("\u201ebei\u201c \u00abpar\u00bb \u2039x\u203a") == '"bei" "par" \'x\''
    for c in SINGLE_QUOTES:
        assert normalise(c) == "'"
    for c in DOUBLE_QUOTES:
        assert normalise(c) == '"'
    # single and double marks stay distinct
    assert normalise("'") != normalise('"')


def test_normalise_nfc() -> None:
    assert normalise("cafe\u0301") == "caf\u00e9"
    assert normalise("\u212b") == "\u00c5"  # ANGSTROM SIGN -> A WITH RING
    # canonical reordering of marks
    assert normalise("x\u0301\u0323") == normalise("x\u0323\u0301")
    # not NFKC: ligatures and full-width letters stay
    assert normalise("\ufb01") == "\ufb01"
    assert normalise("\uff21") == "\uff21"


def test_normalise_zero_width_dropped() -> None:
    assert normalise("foo\u200bbar") == "foobar"
    assert normalise("\ufeffHello") == "Hello"


def test_normalise_keeps_case_and_punctuation() -> None:
    assert normalise("Hello, World - \u2013 \u2014") == "Hello, World - \u2013 \u2014"


@given(st.text())
def test_normalise_idempotent(s: str) -> None:
    assert normalise(normalise(s)) == normalise(s)


# ------------------------------------------------------------ split_pieces


@pytest.mark.parametrize(
    "needle, pieces",
    [
        ("a b", ["a b"]),
        ("a ... b", ["a", "b"]),
        ("a...b", ["a", "b"]),
        ("a \u2026 b", ["a", "b"]),
        ("a\u2026b", ["a", "b"]),
        ("a [...] b", ["a", "b"]),
        ("a [\u2026] b", ["a", "b"]),
        ("a [ ... ] b", ["a", "b"]),
        ("a [ \u2026 ] b", ["a", "b"]),
        ("a . . . b", ["a", "b"]),
        ("a.... b", ["a", "b"]),
        ("...a", ["a"]),
        ("a ...", ["a"]),
        ("a ... b [...] c \u2026 d", ["a", "b", "c", "d"]),
        ("a ... ... b", ["a", "b"]),
        ("U.S. troops", ["U.S. troops"]),
        ("end. Next", ["end. Next"]),
        ("", []),
        ("   ", []),
        ("...", []),
        ("[...]", []),
        (" \u2026 [\u2026] ... ", []),
    ],
)
def test_split_pieces(needle: str, pieces: list[str]) -> None:
    assert split_pieces(needle) == pieces


# -------------------------------------------------------------------- find

SOURCE = (
    "Kazakh President Kassym-Jomart Tokayev on Friday declared\xa0that "
    "constitutional order was \u201cmainly restored\u201d after the unrest.\n\n"
    "\"Terrorists continue to damage property [...] and use weapons against "
    "civilians. I have given the order to law enforcement to shoot to kill\n"
    "without warning,\" Tokayev said. It\u2019s the president's third address."
)


def test_find_plain() -> None:
    assert found(SOURCE, "declared that constitutional order") == [
        "declared\xa0that constitutional order"
    ]


def test_curly_source_straight_needle() -> None:
    assert found(SOURCE, 'order was "mainly restored" after') == [
        "order was \u201cmainly restored\u201d after"
    ]
    assert found(SOURCE, "It's the president") == ["It\u2019s the president"]


def test_straight_source_curly_needle() -> None:
    assert found(SOURCE, "\u201cTerrorists continue") == ['"Terrorists continue']
    assert found(SOURCE, "the president\u2019s third") == ["the president's third"]
    assert found(SOURCE, "warning,\u201d Tokayev") == ['warning," Tokayev']


def test_single_and_double_quotes_differ() -> None:
    assert found(SOURCE, "'mainly restored'") is None
    assert found(SOURCE, 'It"s') is None


def test_whitespace_differences() -> None:
    # newline in the source, space in the needle
    assert found(SOURCE, "shoot to kill without warning") == ["shoot to kill\nwithout warning"]
    # runs of white space, tabs, NBSP, newlines in the needle
    assert found(SOURCE, "shoot  to\tkill\n\n without\xa0warning") == [
        "shoot to kill\nwithout warning"
    ]
    # white space across a paragraph break
    assert found(SOURCE, "the unrest. \"Terrorists") == ["the unrest.\n\n\"Terrorists"]
    # leading and trailing white space in the needle is ignored
    assert found(SOURCE, "  \n declared that\t ") == ["declared\xa0that"]


def test_whitespace_is_not_removed() -> None:
    # a difference of white space is not its absence
    assert found(SOURCE, "shoottokill") is None
    assert found(SOURCE, "sh oot") is None


def test_nfc_vs_nfd() -> None:
    composed = "Le caf\u00e9 \u00e9tait ferm\u00e9."
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    # all four combinations
    assert found(composed, "caf\u00e9 \u00e9tait") == ["caf\u00e9 \u00e9tait"]
    assert found(composed, "cafe\u0301 e\u0301tait") == ["caf\u00e9 \u00e9tait"]
    assert found(decomposed, "caf\u00e9 \u00e9tait") == ["cafe\u0301 e\u0301tait"]
    assert found(decomposed, "cafe\u0301 e\u0301tait") == ["cafe\u0301 e\u0301tait"]
    # a piece ending in an accented letter takes its marks along
    assert found(decomposed, "ferm\u00e9") == ["ferme\u0301"]
    assert found(composed, "\u212bngstr\u00f6m") is None
    assert found("Das \u212bngstr\u00f6m", "\u00c5ngstro\u0308m") == ["\u212bngstr\u00f6m"]


def test_accent_is_a_difference() -> None:
    assert found("Le caf\u00e9", "Le cafe") is None
    assert found("Le cafe\u0301", "Le cafe") is None  # would ignore the accent
    assert found("x\u0301y", "x") is None
    assert found("x\u0301y x", "x") == ["x"]
    assert found("Le cafe", "Le caf\u00e9") is None


def test_ellipsis_forms() -> None:
    want = ["Terrorists continue", "shoot to kill"]
    for sep in ["...", "\u2026", "[...]", "[\u2026]", " ... ", " \u2026 ", " [...] ", " [ \u2026 ] "]:
        assert found(SOURCE, f"Terrorists continue{sep}shoot to kill") == want


def test_ellipsis_pieces_must_be_in_order() -> None:
    assert found(SOURCE, "shoot to kill ... Terrorists continue") is None
    assert found(SOURCE, "Kazakh President ... Tokayev ... Friday") == [
        "Kazakh President",
        "Tokayev",
        "Friday",
    ]
    # pieces do not overlap: the second "Tokayev" must come after the first
    assert found(SOURCE, "Tokayev on Friday ... Tokayev said") == [
        "Tokayev on Friday",
        "Tokayev said",
    ]
    assert found("one Tokayev", "Tokayev ... Tokayev") is None
    assert found("Tokayev Tokayev", "Tokayev ... Tokayev") == ["Tokayev", "Tokayev"]


def test_ellipsis_every_piece_must_occur() -> None:
    assert found(SOURCE, "Terrorists continue ... shoot to maim") is None


def test_source_with_its_own_ellipsis() -> None:
    assert found(SOURCE, "damage property [...] and use weapons") == [
        "damage property",
        "and use weapons",
    ]


def test_case_difference() -> None:
    assert found(SOURCE, "kazakh president") is None
    assert found(SOURCE, "SHOOT TO KILL") is None


def test_punctuation_difference() -> None:
    assert found(SOURCE, "Kassym Jomart") is None  # hyphen
    assert found(SOURCE, "Kassym\u2013Jomart") is None  # en dash
    assert found(SOURCE, "without warning Tokayev said") is None  # missing ,"
    assert found(SOURCE, "against civilians I have") is None  # missing .


def test_empty_needles() -> None:
    src = SourceText(SOURCE)
    for needle in ["", "   ", "\n\t", "...", "\u2026", "[...]", "[\u2026]", " ... [...] "]:
        assert src.find(needle) is None


def test_empty_source() -> None:
    assert SourceText("").find("a") is None
    assert SourceText(" \n ").find("a") is None


def test_zero_width_space() -> None:
    assert found("foo\u200bbar baz", "foobar") == ["foo\u200bbar"]
    assert found("\ufeffHello world", "Hello") == ["Hello"]
    assert found("a \u200b b", "a b") == ["a \u200b b"]


def test_spans_trimmed_and_map_back() -> None:
    text = "  \n\u201cHello,\xa0\xa0 world\u201d\n  "
    m = SourceText(text).find(' "Hello, world" ')
    assert m is not None
    (s, e), = m.spans
    assert text[s:e] == "\u201cHello,\xa0\xa0 world\u201d"
    assert not text[s].isspace() and not text[e - 1].isspace()
    assert (m.start, m.end) == (s, e)


def test_spans_ordered_non_overlapping() -> None:
    src = SourceText(SOURCE)
    needle = "Kazakh ... order ... unrest ... Tokayev said ... address"
    m = src.find(needle)
    assert m is not None
    assert len(m.spans) == 5
    for (s1, e1), (s2, e2) in zip(m.spans, m.spans[1:]):
        assert s1 < e1 <= s2 < e2
    for (s, e), piece in zip(m.spans, split_pieces(needle)):
        assert normalise(SOURCE[s:e]) == normalise(piece)


def test_match_is_frozen_value() -> None:
    m = SourceText("abc abc").find("abc")
    assert m == Match(((0, 3),))
    with pytest.raises(AttributeError):
        m.spans = ()  # type: ignore[misc]
    assert hash(m) == hash(Match(((0, 3),)))


def test_leftmost_occurrence() -> None:
    assert SourceText("ab ab ab").find("ab") == Match(((0, 2),))
    assert SourceText("ab ab ab").find("ab ... ab") == Match(((0, 2), (3, 5)))


def test_source_text_reused() -> None:
    src = SourceText(SOURCE)
    assert src.text is SOURCE
    assert src.normalised == normalise(SOURCE)
    assert src.find("Tokayev") is not None
    assert src.find("Nazarbayev") is None
    assert src.find("Tokayev") == src.find("Tokayev")
    assert "Tokayev" in src


def test_non_latin_scripts() -> None:
    text = "\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u00ab\u043f\u0440\u0438\u043a\u0430\u0437\u00bb \u0439\u043e\u0434 \ud55c\uad6d\uc5b4"
    assert found(text, '"\u043f\u0440\u0438\u043a\u0430\u0437"') == ["\u00ab\u043f\u0440\u0438\u043a\u0430\u0437\u00bb"]
    # \u0439 decomposed (\u0438 + breve) in the needle
    assert found(text, "\u0438\u0306\u043e\u0434") == ["\u0439\u043e\u0434"]
    assert found(text, "\u0438\u043e\u0434") is None
    # Hangul written with conjoining jamo in the needle
    assert found(text, "\u1112\u1161\u11ab\uad6d") == ["\ud55c\uad6d"]


def test_long_text_many_lookups() -> None:
    para = "Lorem ipsum dolor \u201csit\u201d amet, consectetur adipiscing elit.\n\n"
    text = para * 2000 + "The end of it all."
    src = SourceText(text)
    assert src.find('"sit" amet ... The end of it all') is not None
    for _ in range(200):
        assert src.find("not in there ... at all") is None


# ------------------------------------------------------- property tests

# Tokens of a source, each with the spellings that must compare equal to it.
WORDS = [
    ["a"], ["Tokayev"], ["said"], ["x"], ["Z9"], [","], ["-"], ["!"], ["?"], ["("],
    ["\u00e9", "e\u0301"],
    ["caf\u00e9", "cafe\u0301"],
    ["\u00c5", "A\u030a", "\u212b"],
    ["\u00f1", "n\u0303"],
    ["x\u0323\u0301", "x\u0301\u0323"],
    ["\u1ec7", "e\u0323\u0302", "\u1eb9\u0302", "\u00ea\u0323"],
    ["\u0416\u0430\u043d"],
    ["\u0439", "\u0438\u0306"],
    ["\ud55c", "\u1112\u1161\u11ab"],
    ["\u4e2d\u6587"],
    ["'", "\u2018", "\u2019", "\u02bc"],
    ['"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e"],
]
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\n\n", "\xa0", "\u2009", "\u3000", " \n \xa0"]


@st.composite
def source_and_needle(draw: st.DrawFn) -> tuple[str, str, str]:
    """A source, a respelled run of its tokens (the needle), and the run as written."""
    kinds = draw(st.lists(st.sampled_from(range(len(WORDS) + 1)), min_size=1, max_size=40))
    tokens: list[tuple[int, str]] = []
    for k in kinds:
        if k == len(WORDS):
            tokens.append((k, draw(st.sampled_from(SPACES))))
        else:
            tokens.append((k, draw(st.sampled_from(WORDS[k]))))
    text = "".join(t for _, t in tokens)
    i = draw(st.integers(0, len(tokens) - 1))
    j = draw(st.integers(i + 1, len(tokens)))
    respelled = []
    for k, _ in tokens[i:j]:
        if k == len(WORDS):
            respelled.append(draw(st.sampled_from(SPACES)))
        else:
            respelled.append(draw(st.sampled_from(WORDS[k])))
    return text, "".join(respelled), "".join(t for _, t in tokens[i:j])


@settings(max_examples=400)
@given(source_and_needle())
def test_respelled_substring_is_found(case: tuple[str, str, str]) -> None:
    text, needle, original = case
    assume(normalise(needle))
    assert normalise(needle) == normalise(original)
    m = SourceText(text).find(needle)
    assert m is not None
    assert len(m.spans) == 1
    (s, e), = m.spans
    assert normalise(text[s:e]) == normalise(needle)
    assert not text[s].isspace() and not text[e - 1].isspace()


@settings(max_examples=200)
@given(source_and_needle(), source_and_needle())
def test_two_pieces_found_in_order(a: tuple[str, str, str], b: tuple[str, str, str]) -> None:
    text = a[0] + " " + b[0]
    assume(normalise(a[1]) and normalise(b[1]))
    needle = a[1] + " ... " + b[1]
    m = SourceText(text).find(needle)
    assert m is not None
    assert len(m.spans) == 2
    (s1, e1), (s2, e2) = m.spans
    assert e1 <= s2
    assert normalise(text[s1:e1]) == normalise(a[1])
    assert normalise(text[s2:e2]) == normalise(b[1])


@settings(max_examples=300)
@given(st.text())
@example("e\u200b\u0301")
@example("\u1100\u200b\u1161")
@example(" \u0301\u0327x\u2000y\u212b\u0f73\u0b47\u0b3e")
def test_source_normalised_equals_normalise(text: str) -> None:
    assert SourceText(text).normalised == normalise(text)


ADVERSARIAL = st.text(
    alphabet=st.sampled_from(
        list("ae x.'\"\n") + ["\u0301", "\u0323", "\u00e9", "\u200b", "\ufeff", "\xa0",
                              "\u2019", "\u201c", "\u1100", "\u1161", "\u11ab", "\u0b47",
                              "\u0b3e", "\u212b", "\u0f73", "\u2026", "`"]
    ),
    max_size=30,
)


@settings(max_examples=500)
@given(ADVERSARIAL, st.data())
def test_any_match_maps_back(text: str, data: st.DataObject) -> None:
    src = SourceText(text)
    assert src.normalised == normalise(text)
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    needle = text[i:j]
    m = src.find(needle)
    if m is None:
        return
    pieces = split_pieces(needle)
    assert len(m.spans) == len(pieces)
    prev = 0
    for (s, e), piece in zip(m.spans, pieces):
        assert prev <= s < e
        prev = e
        assert normalise(text[s:e]) == normalise(piece)
        assert text[s] not in " \n\xa0\u200b\ufeff" and text[e - 1] not in " \n\xa0\u200b\ufeff"


@given(st.text(alphabet=st.characters(blacklist_characters=".\u2026")))
def test_whole_text_found(text: str) -> None:
    assume(normalise(text))
    m = SourceText(text).find(text)
    assert m is not None
    (s, e), = m.spans
    assert normalise(text[s:e]) == normalise(text)


@given(st.text() | st.text(alphabet=" .\u2026[]a\u200b\xa0\u0301e"))
@example("a . . . b")
@example("[ … ]")
@example(" \u0301x")
def test_the_pieces_find_looks_for_are_the_normalised_split_pieces(needle: str) -> None:
    # find() skips the split when there is no dot or ellipsis to split at.
    assert normalised_pieces(needle) == [normalise(p) for p in split_pieces(needle)]


@given(st.text(alphabet=st.characters(max_codepoint=127))
       | st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f`'\"ab.,")
       | st.text(alphabet=" \xa0\u2009\u3000ab\xe9\xfc\u2019\u201c\u201d\u2014\u4e2d\u0301\u200b\u1100\u1161\uac00e`")
       | st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
@example(" `a` \x1c b\r\n\r\n'c'  ")
@example("\u2018quoted\u2019 \xa0 caf\xe9 \u201cZ\xfcrich\u201d\u3000x")
def test_plain_text_is_prepared_as_any_text_is(text: str) -> None:
    from timeline.check.verify import NEEDS_CARE, needs_care

    assert needs_care(text) == bool(NEEDS_CARE.search(text))
    if not text.isascii() and needs_care(text):
        return  # the general preparation only
    fast, full = object.__new__(SourceText), object.__new__(SourceText)
    fast.prepare_plain(text)
    full.prepare_general(text)
    assert (fast.normalised, fast.starts, fast.ends) == (full.normalised, full.starts, full.ends)
    assert fast.normalised == normalise(text)


# ----------------------------------------------------------------- mark_id


def test_mark_id_format_and_value() -> None:
    mid = mark_id("q", "dw", "shoot to kill")
    assert re.fullmatch(r"q-[0-9a-f]{8}", mid)
    assert mid == "q-" + hashlib.sha256(b"dw\nshoot to kill").hexdigest()[:8]
    assert re.fullmatch(r"p-[0-9a-f]{8}", mark_id("p", "dw", "x"))


def test_mark_id_stable_across_spellings() -> None:
    base = mark_id("q", "dw", "It's \"mainly restored\" caf\u00e9")
    assert mark_id("q", "dw", "  It\u2019s\n\u201cmainly\xa0 restored\u201d cafe\u0301 ") == base
    assert mark_id("q", "dw", "It's \"mainly restored\" caf\u00e9") == base


def test_mark_id_depends_on_what_is_cited() -> None:
    base = mark_id("q", "dw", "shoot to kill")
    assert mark_id("q", "voa", "shoot to kill") != base
    assert mark_id("q", "dw", "shoot to kill!") != base
    assert mark_id("q", "dw", "Shoot to kill") != base
    assert mark_id("p", "dw", "shoot to kill") != base
    # the separator keeps source id and text apart
    assert mark_id("q", "a", "b c") != mark_id("q", "a b", "c")


# -------------------------------------------------------------- paragraphs


def paras(text: str) -> list[tuple[str, int]]:
    return [(text[s:e], line) for s, e, line in paragraphs(text)]


def test_paragraphs_blank_lines() -> None:
    text = "Title\n\nFirst para\nstill first.\n\n\nSecond.\n"
    assert paras(text) == [("Title", 1), ("First para\nstill first.", 3), ("Second.", 7)]


def test_paragraphs_without_blank_lines() -> None:
    assert paras("one\ntwo\nthree") == [("one", 1), ("two", 2), ("three", 3)]
    assert paras("one\ntwo\n") == [("one", 1), ("two", 2)]
    assert paras("single") == [("single", 1)]


def test_paragraphs_blank_lines_only_at_ends_do_not_separate() -> None:
    assert paras("\n\none\ntwo\n\n\n") == [("one", 3), ("two", 4)]


def test_paragraphs_crlf() -> None:
    text = "a\r\nb\r\n\r\nc\r\n"
    assert paras(text) == [("a\r\nb", 1), ("c", 4)]
    assert paras("a\r\nb\r\nc") == [("a", 1), ("b", 2), ("c", 3)]
    assert paras("a\rb\r\rc") == [("a\rb", 1), ("c", 4)]


def test_paragraphs_whitespace_only_lines_are_blank() -> None:
    text = "a\n   \nb\n\t \xa0\nc  \nd"
    assert paras(text) == [("a", 1), ("b", 3), ("c  \nd", 5)]


def test_paragraphs_bom() -> None:
    text = "\ufeffTitle\n\nBody"
    assert paragraphs(text) == [(1, 6, 1), (8, 12, 3)]
    assert paras("\ufeffone\ntwo") == [("one", 1), ("two", 2)]
    # a BOM alone on line 1 makes it blank
    assert paras("\ufeff\none\n\ntwo") == [("one", 2), ("two", 4)]
    assert paras("\ufeff\r\none\r\ntwo") == [("one", 2), ("two", 3)]


def test_paragraphs_empty() -> None:
    assert paragraphs("") == []
    assert paragraphs("\n\n  \n") == []
    assert paragraphs("\ufeff") == []


def test_paragraphs_keep_indentation_and_trailing_spaces() -> None:
    text = "  1. Skip\n  2. Menu\n\nBody text.  \n"
    assert paras(text) == [("  1. Skip\n  2. Menu", 1), ("Body text.  ", 4)]


def test_line_spans() -> None:
    assert line_spans("") == []
    assert line_spans("a") == [(0, 1)]
    assert line_spans("a\n") == [(0, 1)]
    assert line_spans("a\n\n") == [(0, 1), (2, 2)]
    assert line_spans("a\r\nb\rc\nd") == [(0, 1), (3, 4), (5, 6), (7, 8)]
    assert line_spans("\n") == [(0, 0)]


@given(st.text(alphabet=st.sampled_from(list("ab \t\n\r\ufeff\xa0"))))
def test_paragraphs_properties(text: str) -> None:
    result = paragraphs(text)
    lines = line_spans(text)
    prev_end = 0
    prev_line = 0
    for s, e, line in result:
        assert prev_end <= s < e <= len(text)
        assert line > prev_line
        prev_end, prev_line = e, line
        body = text[s:e]
        assert body.strip(" \t\xa0\ufeff")  # has content
        assert not body.endswith(("\n", "\r"))
        assert not (line == 1 and body.startswith("\ufeff"))  # a leading BOM is skipped
        assert lines[line - 1][1] >= s >= lines[line - 1][0]
    # every non-blank line is in exactly one paragraph, blank ones in none
    # unless they separate nothing (inside a paragraph there are none)
    for n, (ls, le) in enumerate(lines):
        inside = [1 for _, e, line in result if lines[line - 1][0] <= ls and le <= e]
        if text[ls:le].replace("\ufeff", "").strip():
            assert len(inside) == 1
        else:
            assert not inside


def test_kept_character_classes_match_a_fresh_computation():
    # timeline/check/unicode_classes.py saves computing them at every start.
    from timeline.check import verify
    assert (verify.NB_CLASS, verify.UNSTABLE_CLASS) == verify.char_classes()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))) | st.text(alphabet=" \t\n\x0b\x0c\x1c\x85\xa0`'\"abc\u2018\u201c\u200b\ufeff\u0301e"))
def test_normalise_is_its_definition(s):
    # normalise takes shortcuts (ASCII text, str.split); the definition:
    from timeline.check.verify import DROP, FOLD
    folded = unicodedata.normalize("NFC", s.translate(DROP)).translate(FOLD)
    assert normalise(s) == re.sub(r"\s+", " ", folded).strip()
