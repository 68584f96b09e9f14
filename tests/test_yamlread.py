"""Unit tests of timeline/yamlread.py: YAML read as written, with the line of
every key and list item."""

from __future__ import annotations

import pytest

from timeline.read import yamlread
from timeline.speedups import fastyaml
from timeline.errors import ContentError
from timeline.read.yamlread import YList, YMap


def load(text: str, first_line: int = 1):
    return yamlread.load(text, "x.md", first_line=first_line)


def error(text: str, first_line: int = 1) -> ContentError:
    with pytest.raises(ContentError) as info:
        load(text, first_line)
    return info.value


# ------------------------------------------------------------------ lines


def test_lines_of_keys_and_list_items():
    data = load("title: t\nsources:\n  - a\n  - b\n\n  - c\ntags: [x, y]\nquotes:\n  - text: q\n    by: p\n", first_line=2)
    assert isinstance(data, YMap)
    assert data.line_of("title") == 2
    assert data.line_of("sources") == 3
    assert isinstance(data["sources"], YList)
    assert [data["sources"].line_of(i) for i in range(3)] == [4, 5, 7]
    assert data.line_of("tags") == 8 and [data["tags"].line_of(i) for i in range(2)] == [8, 8]
    quote = data["quotes"][0]
    assert data["quotes"].line_of(0) == 10
    assert quote.line_of("text") == 10 and quote.line_of("by") == 11


def test_line_of_a_missing_key_is_the_mappings_line():
    data = load("a: 1\nb:\n  c: 2\n", first_line=5)
    assert data.line_of("nothing") == 5
    assert data["b"].line_of("nothing") == 7


def test_nested_mappings_and_flow_mappings():
    data = load("extra:\n  colour: red\n  list:\n    - {k: v}\n")
    assert data["extra"].line_of("colour") == 2
    assert data["extra"]["list"].line_of(0) == 4
    assert data["extra"]["list"][0] == {"k": "v"}


# ------------------------------------------------------------------ values as written


@pytest.mark.parametrize("written,value", [
    ("No", "No"), ("NO", "NO"), ("yes", "yes"), ("off", "off"), ("true", "true"),
    ("1.0", "1.0"), ("007", "007"), ("0x10", "0x10"), ("1_000", "1_000"), ("1e3", "1e3"), (".inf", ".inf"),
    ("2022-01-07", "2022-01-07"), ("2022-01-07 15:00:00", "2022-01-07 15:00:00"), ("07:30", "07:30"),
    ("null", "null"), ("~", "~"), ("'quoted'", "quoted"), ('"a \\"b\\""', 'a "b"'), ("!!int 3", "3"),
    ("'2022-02-30'", "2022-02-30"), ("2022-02-30", "2022-02-30"),
])
def test_scalars_are_the_text_written(written, value):
    assert load(f"key: {written}\n")["key"] == value


def test_block_scalars_keep_their_text():
    data = load("a: |\n  one\n  two\nb: >-\n  three\n  four\n")
    assert data["a"] == "one\ntwo\n"
    assert data["b"] == "three four"


def test_an_empty_value_is_no_value_but_quoted_empty_is_text():
    """yamlread.py: an empty plain scalar (`end:`) means "no value"; '' is text."""
    data = load("end:\ntags:\nquoted: ''\n")
    assert data["end"] is None
    assert data["tags"] is None
    assert data["quoted"] == ""


def test_aliases_resolve_to_the_text():
    assert load("a: &x one\nb: *x\n") == {"a": "one", "b": "one"}


def test_an_alias_inside_what_it_names_is_an_error_not_a_crash():
    e = error("title: x\nextra: &a\n  - *a\n", first_line=2)
    assert (e.line, e.message) == (3, "an alias refers to a list or mapping that contains it")


def test_aliases_that_multiply_without_end_are_refused():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{n}: &{n} [{', '.join(['*' + p] * 10)}]" for p, n in zip("abcdefg", "bcdefgh")]
    e = error("\n".join(lines) + "\n")
    assert "more than 100,000 values" in e.message
    assert load("\n".join(lines[:3]) + "\n")["c"][0][0] == ["x"] * 10   # a thousand is fine


@pytest.mark.parametrize("text,line", [
    ("extra: " + "[" * 200_000 + "]" * 200_000 + "\n", 2),        # in the C composer, this ended the process
    ("extra:\n" + "[\n" * 5000 + "]\n" * 5000, 1003),
    ("extra: " + "- " * 5000 + "x\n", 2),
    ("extra: " + "[" * 150 + "]" * 150 + "\n", 2),               # the converter's own limit
])
def test_nesting_too_deep_is_an_error_not_a_crash(text, line):
    e = error(text, first_line=2)
    assert (e.line, e.message) == (line, "lists and mappings are nested more than 100 deep")


def test_nesting_as_deep_as_real_text_goes_is_read():
    assert load("extra: " + "[" * 20 + "x" + "]" * 20 + "\n")["extra"] is not None


def test_empty_document_and_other_roots():
    assert load("") is None
    assert load("# only a comment\n") is None
    assert load("- a\n- b\n") == ["a", "b"]


# ------------------------------------------------------------------ errors


def test_duplicate_keys_are_errors_at_the_second_key():
    e = error("title: a\ndate: 2022\ntitle: b\n", first_line=2)
    assert (e.path, e.line) == ("x.md", 4)
    assert "title" in e.message and "duplicate" in e.message


def test_duplicate_keys_in_nested_mappings():
    e = error("quotes:\n  - text: a\n    by: x\n    by: y\n")
    assert e.line == 4 and "by" in e.message


def test_syntax_errors_at_the_line_yaml_reports():
    e = error("title: ok\nsources: [a\nplace: x\n", first_line=2)
    assert e.line == 4
    assert "YAML" in e.message
    e = error("title: ok\n  place: x\n")
    assert e.line == 2


def test_a_key_that_is_not_text_is_an_error():
    e = error("a: 1\n? [x, y]\n: z\n")
    assert e.line == 2


# ------------------------------------------------------------------ reading files


def test_byte_order_mark_and_line_ends():
    assert yamlread.read_text(b"\xef\xbb\xbf---\r\ntitle: t\r\n---\r\nbody\r\n", "x.md") == "---\ntitle: t\n---\nbody\n"
    assert yamlread.read_text(b"a\rb\r\nc\n", "x.md") == "a\nb\nc\n"


def test_bom_and_crlf_keep_line_numbers():
    text = yamlread.read_text("\ufeff---\r\ntitle: t\r\n\r\ndate: 2022\r\n---\r\nbody\r\n".encode(), "x.md")
    front, body, body_line = yamlread.split_front_matter(text, "x.md")
    data = load(front, first_line=2)
    assert data.line_of("title") == 2 and data.line_of("date") == 4
    assert body == "body\n" and body_line == 6


def test_invalid_utf8_is_an_error_at_its_line():
    with pytest.raises(ContentError) as info:
        yamlread.read_text(b"---\ntitle: ok\nplace: \xff\n---\n", "x.md")
    assert (info.value.path, info.value.line) == ("x.md", 3)


def test_split_front_matter():
    assert yamlread.split_front_matter("---\na: 1\n---\nbody\n", "x.md") == ("a: 1", "body\n", 4)
    assert yamlread.split_front_matter("---\na: 1\nb: 2\n---\n", "x.md") == ("a: 1\nb: 2", "", 5)
    with pytest.raises(ContentError) as info:
        yamlread.split_front_matter("a: 1\n", "x.md")
    assert info.value.line == 1
    with pytest.raises(ContentError) as info:
        yamlread.split_front_matter("---\na: 1\n", "x.md")
    assert info.value.line == 1


# ------------------------------------------------------------------ the fast reader
#
# yamlread.read_simple reads the common kind of front matter without PyYAML
# and gives up (None) on anything else. Where it does not give up, it must
# give exactly what PyYAML gives, lines included; where PyYAML refuses the
# text, it must give up.

import yaml  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def composed(text: str, first_line: int):
    """What PyYAML makes of the text: yamlread.load has no fast path."""
    return yamlread.load(text, "x.md", first_line)


def same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, YMap):
        return (a.line, a.key_lines, list(a)) == (b.line, b.key_lines, list(b)) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, YList):
        return (a.line, a.item_lines, len(a)) == (b.line, b.item_lines, len(b)) and all(map(same, a, b))
    return a == b


TRICKY = " :#-,[]{}'\"&*!|>%@`?\\\t\u2028\x85\xa0aé”"
words = st.lists(st.sampled_from(list(TRICKY) + ["ab", "x y", ": ", " #", "- "]), max_size=8).map("".join)
scalars = st.one_of(
    words,
    words.map(lambda w: f'"{w}"'),
    words.map(lambda w: f"'{w}'"),
    st.lists(words, max_size=4).map(lambda ws: "[" + ", ".join(ws) + "]"),
    st.lists(st.one_of(words, words.map(lambda w: f'"{w}"'), words.map(lambda w: f"'{w}'")), max_size=4).map(
        lambda ws: "[" + ",".join(ws) + "]"),
    st.sampled_from(["", " ", "plain text", "3,500", "No", "~", "[]", "[a,b]", "a#b", "x:y"]),
)
keys = st.sampled_from(["title", "date", "tags", "x", "a_b", "Title", "2", "-k", "k k", "dw-01", "k-", "2021-03-01",
                        "nav.label", "a.", "1.5", "x..y", ".k", "..."])
indents = st.sampled_from(["", "  ", "   ", "    "])


@st.composite
def documents(draw):
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["scalar", "scalar", "list", "maps", "blank", "comment", "nested", "nested"]))
        key = draw(keys)
        if kind == "scalar":
            lines.append(f"{key}: {draw(scalars)}".rstrip(" ") if draw(st.booleans()) else f"{key}:{draw(scalars)}")
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "  "])))
        elif kind == "comment":
            lines.append(draw(indents) + "# note")
        elif kind == "nested":
            lines.append(f"{key}:")
            indent = draw(indents)
            for _ in range(draw(st.integers(1, 3))):
                extra = draw(st.sampled_from(["", "", "", " ", "# c", "  # c"]))
                if extra.strip().startswith("#"):
                    lines.append(indent + extra)
                lines.append(f"{indent}{extra if not extra.strip() else ''}{draw(keys)}: {draw(scalars)}")
        else:
            lines.append(f"{key}:")
            indent = draw(indents)
            for _ in range(draw(st.integers(0, 3))):
                if kind == "list":
                    lines.append(f"{indent}- {draw(scalars)}")
                else:
                    lines.append(f"{indent}- {draw(keys)}: {draw(scalars)}")
                    for _ in range(draw(st.integers(0, 2))):
                        lines.append(f"{indent}{draw(st.sampled_from(['  ', '   ', ' ']))}{draw(keys)}: {draw(scalars)}")
    return "\n".join(lines)


@settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 3000)), deadline=None)
@given(documents(), st.integers(1, 3))
def test_the_fast_reader_agrees_with_pyyaml(text, first_line):
    fast = fastyaml.read_simple(text, first_line)
    try:
        slow = composed(text, first_line)
    except (yaml.YAMLError, ContentError):
        assert fast is None
        return
    if fast is not None:
        assert same(fast, slow), (fast, slow)


def test_the_fast_reader_reads_common_front_matter():
    text = (
        "title: Police detained 3,000 people\ndate: 2022-01-07T15:00\ntags: [arrests, Almaty]\n"
        "people: [Kassym-Jomart Tokayev, \"Søren O'Neill\", 'A. \"B\" C']\nsources:\n  - id: dw\n    passage: \"More than 3,000 people were detained.\"\n"
        "  - id: voa\nquotes:\n  - text: 'shoot to kill'\n    by: Tokayev\n    source: dw\n"
    )
    fast = fastyaml.read_simple(text, 2)
    assert fast is not None and same(fast, composed(text, 2))



def test_every_bundled_catalogue_reads_the_same_with_the_fast_reader():
    """A build reads the catalogues with the engine's reader (so that one
    of the usual shape needs no PyYAML): the strings must be PyYAML's, and
    the English one, which every build reads, must need no fallback."""
    from timeline.read import i18n
    names = i18n.bundled_languages()
    assert "en" in names
    for name in names:
        assert i18n._bundled(name, fastyaml.load) == i18n._bundled(name, yamlread.load), name
    english = (i18n.BUNDLED_CATALOGUES / "en.yaml").read_text(encoding="utf-8")
    assert fastyaml.read_simple(english) is not None
