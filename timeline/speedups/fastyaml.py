"""Front matter of the usual shape, read without PyYAML.

Front matter is nearly always a mapping of plain keys to plain or quoted
one-line scalars, flow lists of such scalars, and block lists of such
scalars or of one-level mappings; sources.yaml a mapping of such mappings.
Composing it with PyYAML costs more than everything else done with an
entry but Markdown, so `read_simple` reads that subset itself and gives up
(None) on anything else, which then goes to PyYAML; where it does not give
up, its result is PyYAML's, lines included (tests/test_yamlread.py
compares the two on generated text)."""

from __future__ import annotations

import re

from ..read.yamlread import YList, YMap, YValue, refuse_oversized
from ..read.yamlread import load as load_with_pyyaml


def load(text: str, path: str, first_line: int = 1) -> YValue:
    """`yamlread.load`, the simple kind of text read here. The same bound
    on a document's size: what is read here has no aliases, so it reads to
    no more characters than it holds."""
    refuse_oversized(text, path, first_line)
    simple = read_simple(text, first_line)
    if simple is not None:
        return simple
    return load_with_pyyaml(text, path, first_line)


_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: +(.*))?")   # dotted too: a catalogue's keys
_ITEM = re.compile(r"( *)- (\S.*)?")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029\t]")
_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_MARKS = frozenset("[]{}")


def read_simple(text: str, first_line: int = 1) -> YMap | None:
    """The mapping the text holds, if it is of the simple kind; else None."""
    if _OTHER_BREAKS.search(text):
        return None  # YAML breaks lines at these too; and tabs have rules of their own
    lines = text.split("\n")
    out = _ymap(first_line)
    key_lines = out.key_lines
    key_match = _KEY.fullmatch
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line or line[0] in " #":
            rest = line.lstrip(" ")
            if not rest or rest[0] == "#":
                i += 1
                continue
        m = key_match(line)
        if m is None:
            return None
        key, raw = m.groups()
        if key in out:
            return None
        key_line = first_line + i
        if not key_lines:
            out.line = key_line
        key_lines[key] = key_line
        i += 1
        if raw is not None:
            raw = raw.rstrip(" ")
            if raw:
                value = _scalar_or_flow(raw, key_line)
                if value is _NO:
                    return None
                out[key] = value
                continue
        block, i = _block_value(lines, i, first_line)
        if block is _NO:
            return None
        out[key] = block
    return out if key_lines else None


def _skipped(line: str) -> bool:
    """A blank line, or one holding only a comment."""
    rest = line.lstrip(" ")
    return not rest or rest[0] == "#"


def _block_value(lines: list[str], i: int, first_line: int) -> tuple[YMap | YList | _No | None, int]:
    """The value of a key written with none on its line: a block list, a
    mapping of scalars indented below it, or nothing; (value, next line)."""
    j = i
    while j < len(lines) and _skipped(lines[j]):
        j += 1
    if j < len(lines) and lines[j].startswith(" ") and not _ITEM.fullmatch(lines[j]):
        return _block_map(lines, j, first_line)
    return _block_list(lines, i, first_line)


def _block_map(lines: list[str], j: int, first_line: int) -> tuple[YMap | _No, int]:
    """Keys with one-line values, all at the indentation of lines[j]."""
    indent = len(lines[j]) - len(lines[j].lstrip(" "))
    out = _ymap(first_line + j)
    while j < len(lines):
        line = lines[j]
        if _skipped(line):
            j += 1
            continue
        if not line.startswith(" "):
            break
        m = _KEY.fullmatch(line[indent:]) if len(line) - len(line.lstrip(" ")) == indent else None
        if m is None or m[1] in out or m[2] is None or not m[2].strip(" "):
            return _NO, j
        value = _scalar_or_flow(m[2].rstrip(" "), first_line + j)
        if value is _NO:
            return _NO, j
        out[m[1]] = value
        out.key_lines[m[1]] = first_line + j
        j += 1
    return out, j


class _No:
    pass


_NO = _No()


def _ymap(line: int) -> YMap:
    m = YMap()
    m.line = line
    m.key_lines = {}
    return m


def _scalar_or_flow(raw: str, line: int) -> str | YList | _No:
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1]
        out = YList()
        out.line = line
        out.item_lines = []
        if not inner.strip(" "):
            return out
        for part in inner.split(","):
            item = part.strip(" ")
            if item[:1] in ("'", '"'):
                # A comma inside quotes split the item: it then fails to
                # end with its quote, and the list goes to PyYAML.
                unquoted = _scalar(item)
                if isinstance(unquoted, _No):
                    return _NO
                item = unquoted
            elif not _plain(item) or not _FLOW_MARKS.isdisjoint(item):
                return _NO
            out.append(item)
            out.item_lines.append(line)
        return out
    return _scalar(raw)


def _scalar(raw: str) -> str | _No:
    first = raw[0]
    if first == '"' or first == "'":
        # Quoted, with nothing to unescape or fold (YAML breaks lines at
        # U+2028 and the like: isprintable refuses them, tabs and controls).
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != first or first in inner or "\\" in inner or not inner.isprintable():
            return _NO
        return inner
    # _plain, written out: this runs for nearly every value of every entry.
    if first in _UNSAFE_START or raw[-1] in ": " or ": " in raw or " #" in raw or "\t" in raw \
            or not raw.isprintable():
        return _NO
    return raw


def _plain(s: str) -> bool:
    """A one-line plain scalar that means itself, whatever its context."""
    return bool(s) and s[0] not in _UNSAFE_START and s[-1] not in ": " and ": " not in s \
        and " #" not in s and "\t" not in s and s.isprintable()


def _block_list(lines: list[str], i: int, first_line: int) -> tuple[YList | _No | None, int]:
    """A block list starting at lines[i] (after a key with no value), or
    None if there is none (the key's value is empty); (value, next line)."""
    n = len(lines)
    j = i
    while j < n and _skipped(lines[j]):
        j += 1
    item_match, key_match = _ITEM.fullmatch, _KEY.fullmatch
    m = item_match(lines[j]) if j < n else None
    if m is None:
        if j < n and lines[j].startswith(" "):
            return _NO, j   # something nested that is not a list
        return None, i
    indent = m[1]
    inner = indent + "  "
    width = len(inner)
    out = YList()
    out.line = first_line + j
    item_lines: list[int] = []
    out.item_lines = item_lines
    while j < n:
        line = lines[j]
        rest = line.lstrip(" ")
        if not rest or rest[0] == "#":
            j += 1
            continue
        m = item_match(line)
        if m is None or m[1] != indent:
            if line[0] == " " or (indent == "" and line[0] == "-"):
                return _NO, j
            break
        item_line = first_line + j
        raw = m[2]
        j += 1
        if raw is None:
            return _NO, j
        raw = raw.rstrip(" ")
        if not raw:
            return _NO, j
        k = key_match(raw)
        if k is None:
            value = _scalar(raw)
            if value is _NO:
                return _NO, j
            out.append(value)
            item_lines.append(item_line)
            continue
        item = _ymap(item_line)
        key_lines = item.key_lines
        while True:
            key, value_raw = k.groups()
            if value_raw is None or key in item:
                return _NO, j
            value_raw = value_raw.rstrip(" ")
            if not value_raw:
                return _NO, j
            value = _scalar(value_raw)
            if value is _NO:
                return _NO, j
            item[key] = value
            key_lines[key] = item_line
            if j >= n:
                break
            line = lines[j]
            if not line.startswith(inner) or line[width:width + 1] == " ":
                break
            k = key_match(line, width)
            if k is None:
                return _NO, j
            item_line = first_line + j
            j += 1
        out.append(item)
        item_lines.append(item.line)
    return out, j
