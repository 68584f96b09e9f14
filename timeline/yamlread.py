"""YAML read as written: every scalar stays the text the curator typed
(`title: No` is "No"), and every mapping and list remembers its lines so
that errors can point at them."""

from __future__ import annotations

import re

from .errors import ContentError


def _yaml():
    """PyYAML and its loader: imported only for text read_simple gives up
    on. The base loaders resolve no implicit types: every scalar is a str."""
    import yaml

    return yaml, getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class YMap(dict):
    """A mapping that knows the line of each key (1-based, in its file)."""

    line: int
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """A list that knows the line of each item."""

    line: int
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def read_text(data: bytes, path: str) -> str:
    """Decode a content file: UTF-8, an optional byte-order mark, any line ends."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(path, line, "the file is not valid UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load(text: str, path: str, first_line: int = 1):
    """Parse YAML text into YMap/YList/str/None, lines counted from first_line."""
    simple = read_simple(text, first_line)
    if simple is not None:
        return simple
    _refuse_deep_nesting(text, path, first_line)
    yaml, loader = _yaml()
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or "invalid YAML"
        raise ContentError(path, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise ContentError(path, first_line, f"YAML syntax error: {exc}") from None
    if node is None:
        return None
    return _convert(node, path, first_line)


# Aliases repeat what they name: text where a few lines expand to millions
# of values (the "billion laughs") is refused, as is nesting deeper than any
# front matter needs (Python's own stack has a limit).
_MAX_VALUES = 100_000
_MAX_DEPTH = 100


def _convert(node, path: str, first_line: int):
    return _Converter(path, first_line).convert(node, ())


def _refuse_deep_nesting(text: str, path: str, first_line: int) -> None:
    """PyYAML composes nested values by recursion in C: nesting some
    hundred thousand deep ends the process. This bound on the depth (the
    indentation, the markers of nested items and the open brackets of each
    line) is far above any real text and far below that."""
    flow = 0
    for i, line in enumerate(text.split("\n")):
        rest = line.lstrip(" ")
        opens = rest.count("[") + rest.count("{")
        bound = len(line) - len(rest) + rest.count("- ") + rest.count("? ") + rest.count(": ") + flow + opens
        if bound > 10 * _MAX_DEPTH:
            raise ContentError(path, first_line + i, f"lists and mappings are nested more than {_MAX_DEPTH} deep")
        flow = max(0, flow + opens - rest.count("]") - rest.count("}"))


class _Converter:
    def __init__(self, path: str, first_line: int):
        self.path, self.first_line = path, first_line
        self.values = 0

    def convert(self, node, within: tuple):
        line = self.first_line + node.start_mark.line
        self.values += 1
        if self.values > _MAX_VALUES:
            raise ContentError(self.path, line, f"the YAML holds more than {_MAX_VALUES:,} values (are aliases repeating aliases?)")
        if node.id == "scalar":
            # An empty plain scalar (`end:`) means "no value"; '' written in quotes is text.
            if node.value == "" and not node.style:  # plain style: None, or "" from the C loader
                return None
            return node.value
        if any(node is outer for outer in within):
            raise ContentError(self.path, line, "an alias refers to a list or mapping that contains it")
        if len(within) >= _MAX_DEPTH:
            raise ContentError(self.path, line, f"lists and mappings are nested more than {_MAX_DEPTH} deep")
        within = (*within, node)
        if node.id == "sequence":
            out = YList(self.convert(item, within) for item in node.value)
            out.line = line
            out.item_lines = [self.first_line + item.start_mark.line for item in node.value]
            return out
        out = YMap()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key_line = self.first_line + key_node.start_mark.line
            if key_node.id != "scalar":
                raise ContentError(self.path, key_line, "a key must be plain text")
            key = key_node.value
            if key in out:
                raise ContentError(self.path, key_line, f'duplicate key "{key}"')
            out[key] = self.convert(value_node, within)
            out.key_lines[key] = key_line
        return out


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split `---` front matter from the body.

    Returns (yaml_text, body, body_first_line); yaml_text starts on line 2."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ContentError(path, 1, "an entry must start with a front matter block: a line '---'")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise ContentError(path, 1, "the front matter block is not closed by a line '---'")


# ---- the common case, read without PyYAML ----
#
# Front matter is nearly always a mapping of plain keys to plain or quoted
# one-line scalars, flow lists of such scalars, and block lists of such
# scalars or of one-level mappings; sources.yaml a mapping of such mappings.
# Composing it with PyYAML costs more than everything else done with an
# entry but Markdown, so read_simple reads that subset itself and gives up
# (None) on anything else, which then goes to PyYAML; where it does not give
# up, its result is PyYAML's, lines included (tests/test_yamlread.py
# compares the two on generated text).

_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*):(?: +(.*))?")
_ITEM = re.compile(r"( *)- (\S.*)?")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029\t]")
_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_MARKS = frozenset("[]{}")


def read_simple(text: str, first_line: int = 1) -> YMap | None:
    """The mapping the text holds, if it is of the simple kind; else None."""
    if _OTHER_BREAKS.search(text):
        return None  # YAML breaks lines at these too; and tabs have rules of their own
    lines = text.split("\n")
    out = _ymap(None)
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if (not line or line[0] in " #") and _skipped(line):
            i += 1
            continue
        m = _KEY.fullmatch(line)
        if m is None or m[1] in out:
            return None
        key, raw = m[1], m[2]
        key_line = first_line + i
        if out.line is None:
            out.line = key_line
        out.key_lines[key] = key_line
        i += 1
        if raw is not None and raw.strip(" "):
            value = _scalar_or_flow(raw.rstrip(" "), key_line)
            if value is _NO:
                return None
            out[key] = value
            continue
        block, i = _block_value(lines, i, first_line)
        if block is _NO:
            return None
        out[key] = block
    return out if out.line is not None else None


def _skipped(line: str) -> bool:
    """A blank line, or one holding only a comment."""
    rest = line.lstrip(" ")
    return not rest or rest[0] == "#"


def _block_value(lines: list[str], i: int, first_line: int):
    """The value of a key written with none on its line: a block list, a
    mapping of scalars indented below it, or nothing; (value, next line)."""
    j = i
    while j < len(lines) and _skipped(lines[j]):
        j += 1
    if j < len(lines) and lines[j].startswith(" ") and not _ITEM.fullmatch(lines[j]):
        return _block_map(lines, j, first_line)
    return _block_list(lines, i, first_line)


def _block_map(lines: list[str], j: int, first_line: int):
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


def _ymap(line) -> YMap:
    m = YMap()
    m.line = line
    m.key_lines = {}
    return m


def _scalar_or_flow(raw: str, line: int):
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
                item = _scalar(item)
                if item is _NO:
                    return _NO
            elif not _plain(item) or not _FLOW_MARKS.isdisjoint(item):
                return _NO
            out.append(item)
            out.item_lines.append(line)
        return out
    return _scalar(raw)


def _scalar(raw: str):
    first = raw[0]
    if first in "\"'":
        # Quoted, with nothing to unescape or fold (YAML breaks lines at
        # U+2028 and the like: isprintable refuses them, tabs and controls).
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != first or first in inner or "\\" in inner or not inner.isprintable():
            return _NO
        return inner
    return raw if _plain(raw) else _NO


def _plain(s: str) -> bool:
    """A one-line plain scalar that means itself, whatever its context."""
    return bool(s) and s[0] not in _UNSAFE_START and s[-1] not in ": " and ": " not in s \
        and " #" not in s and "\t" not in s and s.isprintable()


def _block_list(lines: list[str], i: int, first_line: int):
    """A block list starting at lines[i] (after a key with no value), or
    None if there is none (the key's value is empty); (value, next line)."""
    j = i
    while j < len(lines) and _skipped(lines[j]):
        j += 1
    m = _ITEM.fullmatch(lines[j]) if j < len(lines) else None
    if m is None:
        if j < len(lines) and lines[j].startswith(" "):
            return _NO, j   # something nested that is not a list
        return None, i
    indent = m[1]
    out = YList()
    out.line = first_line + j
    out.item_lines = []
    while j < len(lines):
        line = lines[j]
        if _skipped(line):
            j += 1
            continue
        m = _ITEM.fullmatch(line)
        if m is None or m[1] != indent:
            if line.startswith(" ") or (indent == "" and line.startswith("-")):
                return _NO, j
            break
        item_line = first_line + j
        raw = (m[2] or "").rstrip(" ")
        j += 1
        if not raw:
            return _NO, j
        k = _KEY.fullmatch(raw)
        if k is None:
            value = _scalar(raw)
            if value is _NO:
                return _NO, j
            out.append(value)
            out.item_lines.append(item_line)
            continue
        item = _ymap(item_line)
        inner = indent + "  "
        while True:
            key, value_raw = k[1], k[2]
            if key in item or value_raw is None or not value_raw.strip(" "):
                return _NO, j
            value = _scalar(value_raw.rstrip(" "))
            if value is _NO:
                return _NO, j
            item[key] = value
            item.key_lines[key] = item_line
            if j >= len(lines) or not lines[j].startswith(inner) or lines[j][len(inner):len(inner) + 1] == " ":
                break
            k = _KEY.fullmatch(lines[j][len(inner):])
            if k is None:
                return _NO, j
            item_line = first_line + j
            j += 1
        out.append(item)
        out.item_lines.append(item.line)
    return out, j
