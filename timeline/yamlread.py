"""YAML read as written: every scalar stays the text the curator typed
(`title: No` is "No"), and every mapping and list remembers its lines so
that errors can point at them."""

from __future__ import annotations

import yaml

from .errors import ContentError

# The base loaders resolve no implicit types: every scalar is a str.
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


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
    try:
        node = yaml.compose(text, Loader=_Loader)
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


def _convert(node, path: str, first_line: int):
    line = first_line + node.start_mark.line
    if isinstance(node, yaml.ScalarNode):
        # An empty plain scalar (`end:`) means "no value"; '' written in quotes is text.
        if node.value == "" and not node.style:  # plain style: None, or "" from the C loader
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        out = YList(_convert(item, path, first_line) for item in node.value)
        out.line = line
        out.item_lines = [first_line + item.start_mark.line for item in node.value]
        return out
    out = YMap()
    out.line = line
    out.key_lines = {}
    for key_node, value_node in node.value:
        key_line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            raise ContentError(path, key_line, "a key must be plain text")
        key = key_node.value
        if key in out:
            raise ContentError(path, key_line, f'duplicate key "{key}"')
        out[key] = _convert(value_node, path, first_line)
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
