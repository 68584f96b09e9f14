"""Typed readers for the values of a YAML mapping. Each reader raises a
ContentError at the line of the offending key, so every caller reports
problems the same way."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .dates import DateError, PartialDate, parse_date
from ..errors import Problems, unknown_key_message
from .yamlread import YList, YMap, YValue

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class Fields:
    """Reads the keys of one YAML mapping of one file."""

    def __init__(self, mapping: YMap, path: str, what: str, known: tuple[str, ...], problems: Problems,
                 language: str = "en"):
        self.map = mapping
        self.path = path
        self.problems = problems
        self.language = language   # the timeline's: its month names are read in dates
        for key in mapping:
            if key not in known:
                problems.error(path, mapping.line_of(key), unknown_key_message(key, known, what))

    def line(self, key: str) -> int:
        return self.map.line_of(key)

    def fail(self, key: str, message: str) -> None:
        self.problems.error(self.path, self.line(key), message)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.map.get(key)
        if value is None:
            if required:
                self.fail(key, f'"{key}" is required')
            return None
        if not isinstance(value, str):
            self.fail(key, f'"{key}" must be text, not a {_kind(value)}')
            return None
        value = value.strip()
        if required and not value:
            self.fail(key, f'"{key}" must not be empty')
            return None
        return value or None

    def flag(self, key: str) -> bool:
        value = self.map.get(key)
        if value is None:
            return False
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.fail(key, f'"{key}" must be true or false')
        return False

    def date(self, key: str, tz: str, required: bool = False) -> PartialDate | None:
        value = self.text(key, required)
        if value is None:
            return None
        try:
            return parse_date(value, tz, self.language)
        except DateError as exc:
            self.fail(key, f'"{key}": {exc}')
            return None

    def text_list(self, key: str) -> list[str]:
        """A list of texts, written in brackets or as a block list. A text
        without brackets is an error that shows how to write the list: a
        tag named "council, vote" is never what was meant."""
        value = self.map.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            items = [item.strip() for item in value.split(",") if item.strip()] or [value.strip()]
            written = ", ".join(_flow_item(item) for item in items)
            self.fail(key, f'"{key}" is a list: write it in brackets, as {key}: [{written}]')
            return []
        if not isinstance(value, YList):
            self.fail(key, f'"{key}" must be a list of texts')
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problems.error(self.path, value.line_of(i), f'each item of "{key}" must be non-empty text')
            elif item.strip() not in out:
                out.append(item.strip())
        return out

    def number(self, key: str, required: bool = False) -> int | float | None:
        value = self.text(key, required)
        if value is None:
            return None
        if not _NUMBER.fullmatch(value):
            self.fail(key, f'"{key}" must be a number written with digits only (3800, not "{value}")')
            return None
        number = float(value)
        return int(number) if number.is_integer() and "e" not in value.lower() else number

    def plain(self, key: str) -> Any:
        """Any value, as plain dicts, lists and texts (for templates)."""
        return _plain(self.map.get(key))

    def url(self, key: str, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme.lower() not in schemes or not parts.netloc or any(c.isspace() for c in value):
            self.fail(key, f'"{key}" must be an absolute {" or ".join(schemes)} URL, not "{value}"')
            return None
        return value


def _kind(value: YValue) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "text"


def _flow_item(text: str) -> str:
    """A text as an item of a YAML flow list, quoted where it must be."""
    if re.search(r'[\[\]{},:#&*!|>\'"%@`]', text) or text[:1] in "-?":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _plain(value: YValue) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
