"""YAML read as written: every scalar stays the text the curator typed
(`title: No` is "No"), and every mapping and list remembers its lines so
that errors can point at them."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any, Protocol

from ..errors import ContentError

# A node composed by PyYAML (its C loader's or its own); read by its `id`,
# which only its subclasses declare.
Node = Any


def _yaml() -> tuple[ModuleType, Any]:
    """PyYAML and its loader, imported when first needed (the fast reader,
    speedups/fastyaml.py, reads most front matter without it). The base loaders resolve no implicit types: every scalar is a str."""
    import yaml

    return yaml, getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class YMap(dict):
    """A mapping that knows the line of each key (1-based, in its file)."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """A list that knows the line of each item."""

    line: int
    item_lines: list[int]

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


# What load gives: a YMap, a YList, a str or None, nested. Any, because
# every reader narrows it by the shape its schema expects.
YValue = Any

class LoadYaml(Protocol):
    """A reader of YAML: load, or speedups/fastyaml.py's."""

    def __call__(self, text: str, path: str, first_line: int = 1) -> YValue: ...

    def __hash__(self) -> int: ...   # a function: what is read with it may be kept by it


def load(text: str, path: str, first_line: int = 1) -> YValue:
    """Parse YAML text into YMap/YList/str/None, lines counted from first_line."""
    refuse_oversized(text, path, first_line)
    _refuse_deep_nesting(text, path, first_line)
    yaml, loader = _yaml()
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        index = mark.line if mark else 0
        lines = text.split("\n")
        tabbed = next((i for i, ln in enumerate(lines) if "\t" in ln[: len(ln) - len(ln.lstrip())]), None)
        if tabbed is not None and tabbed <= index:
            raise ContentError(path, first_line + tabbed, "a tab in the indentation of this line: YAML indents "
                               "with spaces only; replace the tab with spaces") from None
        culprit = _culprit(lines, index)
        if culprit is not None:
            raise ContentError(path, first_line + culprit[0], culprit[1]) from None
        problem = exc.problem or "invalid YAML"
        here = lines[index] if index < len(lines) else ""
        raise ContentError(path, first_line + index, f"YAML syntax error: {problem}{_fix(problem, here)}") from None
    except yaml.YAMLError as exc:
        raise ContentError(path, first_line, f"YAML syntax error: {exc}") from None
    if node is None:
        return None
    return _convert(node, path, first_line)


_KEY_VALUE = re.compile(r"(\s*(?:- )?)([A-Za-z0-9_][A-Za-z0-9_ -]*):\s+(.*)")
# A line that opens a key (`title:`, `- id:`, `  by:`), and what follows.
_KEY_LINE = re.compile(r"( *)(- +)?([^\s#'\"\[\]{}:,&*!|>%@`-][^:#]*?|'[^']*'|\"[^\"]*\"):(?: +(.*))?$")
_BLOCK = re.compile(r"[|>][+-]?[0-9]?[+-]?\s*(#.*)?")
_PLAIN_WORDS = re.compile(r"( *)([A-Za-z_][\w-]*) +(\S.*)$")


def _culprit(lines: list[str], index: int) -> tuple[int, str] | None:
    """The line at or before `index`, where YAML noticed a problem, that
    made it, for the two mistakes whose effect YAML sees lines later: a
    key that lost its colon (`title Quay Street closes`: YAML reads on into
    the next line) and a quotation mark never closed (YAML reads to the
    end of the text). Each is named at its own line."""
    indents = {len(m[1]) + len(m[2] or "") for m in map(_KEY_LINE.match, lines) if m}
    block = False   # inside a `|` or `>` block, whose lines are text
    block_indent = 0
    for i, line in enumerate(lines[: index + 1]):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block:
            if not stripped or indent > block_indent:
                continue
            block = False
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        key = _KEY_LINE.match(line)
        if key:
            block_indent = len(key[1])
            value = (key[4] or "").strip()
            if _BLOCK.fullmatch(value):
                block = True
                continue
            opened = _unclosed(value)
            if opened and not _closed_below(lines, i, opened):
                return i, (f'the quotation mark {opened} that opens the value of "{key[3]}" is not closed on '
                           f"this line: end the value with {opened}, or remove the mark")
            continue
        # (A list item without a colon is a text, as YAML reads it.)
        words = _PLAIN_WORDS.match(line)
        if words and ":" not in line and len(words[1]) in indents and not _continues(lines, i):
            return i, (f'this line has no ":" after its key, so YAML reads it on into the next line: write '
                       f'{words[2]}: {words[3].strip()}')
    return None


def _unclosed(value: str) -> str | None:
    """The quotation mark a value opens and does not close, if it does."""
    if not value or value[0] not in "'\"":
        return None
    mark = value[0]
    i = 1
    while i < len(value):
        ch = value[i]
        if mark == '"' and ch == "\\":
            i += 2
            continue
        if ch == mark:
            if mark == "'" and value[i + 1:i + 2] == "'":
                i += 2
                continue
            return None
        i += 1
    return mark


def _closed_below(lines: list[str], i: int, mark: str) -> bool:
    """Whether a quoted value opened on line i closes on a later line
    before the next key (YAML allows a quoted value over several lines)."""
    for below in lines[i + 1:]:
        if _KEY_LINE.match(below):
            return False
        if mark in below:
            return True
    return False


def _continues(lines: list[str], i: int) -> bool:
    """Whether line i goes on a plain value begun on the line above it
    (indented more than that line's key)."""
    for above in reversed(lines[:i]):
        if not above.strip() or above.strip().startswith("#"):
            continue
        key = _KEY_LINE.match(above)
        here = len(lines[i]) - len(lines[i].lstrip(" "))
        return bool(key and key[4] and here > len(key[1]) + len(key[2] or ""))
    return False


def _fix(problem: str, line: str) -> str:
    """What to write instead, for the YAML mistakes curators make."""
    if problem.startswith("mapping values are not allowed"):
        m = _KEY_VALUE.fullmatch(line.rstrip())
        if m and m[1] and ": " not in m[3]:
            return f'; this line is indented more than the key above it: remove the spaces before "{m[2]}:"'
        if m and not m[3].startswith(("'", '"')):
            value = m[3].replace("\\", "\\\\").replace('"', '\\"')
            return f'; a value holding ": " must be in quotes: write {m[2]}: "{value}"'
        return '; a value holding ": " must be in quotes'
    if "end of stream" in problem:
        return "; a quoted value or a list in brackets is not closed"
    if problem.startswith("did not find expected ',' or ']'"):
        return "; a list in brackets is not closed, or an item in it holds a character that needs quotes"
    if problem.startswith("could not find expected ':'"):
        return "; each line is key: value (a line may have lost its colon, or a quoted value its closing quote)"
    if problem.startswith("found character") and "cannot start any token" in problem:
        return "; put the value in quotes"
    return ""


# Aliases repeat what they name: text where a few lines expand to millions
# of values read again (the "billion laughs") or of characters (one long value
# repeated) is refused, as is nesting deeper than any front matter needs
# (Python's own stack has a limit). The characters are those of every key
# and value as read, counted again each time an alias repeats them: text
# without aliases reads to fewer characters than it holds, so any document
# of up to MAX_CHARACTERS characters passes, whichever reader reads it.
_MAX_VALUES = 100_000
_MAX_DEPTH = 100
MAX_CHARACTERS = 10_000_000


def _too_long(what: str) -> str:
    return (f"the YAML {what} more than {MAX_CHARACTERS:,} characters, the limit of one document: "
            "shorten it (a long text belongs in a file of its own), or write out a value an alias repeats")


def refuse_oversized(text: str, path: str, first_line: int = 1) -> None:
    """A document longer than the limit is refused before it is read, at
    the line where it passes the limit."""
    if len(text) > MAX_CHARACTERS:
        raise ContentError(path, first_line + text.count("\n", 0, MAX_CHARACTERS), _too_long("holds"))


def _convert(node: Node, path: str, first_line: int) -> YValue:
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
        self.repeats = 0          # values read again, through an alias
        self.seen: set[int] = set()
        self.characters = 0

    def convert(self, node: Node, within: tuple[Node, ...]) -> YValue:
        line = self.first_line + node.start_mark.line
        if id(node) in self.seen:
            self.repeats += 1
        else:
            self.seen.add(id(node))
        if self.repeats > _MAX_VALUES:
            raise ContentError(self.path, line, f"aliases repeat more than {_MAX_VALUES:,} values, the limit "
                               "(are aliases repeating aliases?)")
        if node.id == "scalar":
            self.characters += len(node.value)
            if self.characters > MAX_CHARACTERS:
                raise ContentError(self.path, line, _too_long("expands to"))
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
            items = YList(self.convert(item, within) for item in node.value)
            items.line = line
            items.item_lines = [self.first_line + item.start_mark.line for item in node.value]
            return items
        out = YMap()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key_line = self.first_line + key_node.start_mark.line
            if key_node.id != "scalar":
                raise ContentError(self.path, key_line, "a key must be plain text")
            key = key_node.value
            self.characters += len(key)
            if key in out:
                raise ContentError(self.path, key_line, f'duplicate key "{key}"')
            out[key] = self.convert(value_node, within)
            out.key_lines[key] = key_line
        return out


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split `---` front matter from the body.

    Returns (yaml_text, body, body_first_line); yaml_text starts on line 2."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        raise ContentError(path, 1, "an entry must start with a front matter block: a line '---'")
    # The closing line found by one search, not line by line: the same
    # line as `line.rstrip() in ("---", "...")` of each line in turn.
    close = _CLOSING.search(text, first_end + 1) if first_end >= 0 else None
    if close is None:
        raise ContentError(path, 1, "the front matter block is not closed by a line '---'")
    at = close.start()
    after = text.find("\n", at)
    front = text[first_end + 1:at - 1] if at > first_end + 1 else ""
    body = "" if after < 0 else text[after + 1:]
    return front, body, text.count("\n", 0, at) + 2


# A line that is `---` or `...` and white space other than a line break.
_CLOSING = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
