"""Problems found in content: one error type that carries a path and a line,
and a collector so that one run reports every problem it finds."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


class ContentError(Exception):
    """A problem in a content file, located at PATH:LINE."""

    def __init__(self, path: str, line: int, message: str, severity: str = "error"):
        super().__init__(message)
        self.path = path
        self.line = max(1, int(line))
        self.message = message
        self.severity = severity

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: {self.severity}: {printable(self.message)}"

    def __reduce__(self) -> tuple[type[ContentError], tuple[str, int, str, str]]:
        # So that an error raised in a worker process reaches the parent whole.
        return (ContentError, (self.path, self.line, self.message, self.severity))


def printable(text: str) -> str:
    """Text safe to print on a terminal, on one line: control characters
    (an escape sequence in a key would drive the terminal), line breaks
    and the marks that reverse the direction of text written as escapes
    (`\\x1b`, `\\u202e`); the bytes of a file name that is not UTF-8
    (kept by Python as lone surrogates) as the system shows them, `\\xff`."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif ch in _UNSEEN or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


# Format characters that reorder or hide what follows (Trojan Source).
_UNSEEN = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


@dataclass
class Problems:
    """Collects every problem of a run, so the user sees them all at once."""

    items: list[ContentError] = field(default_factory=list)
    leading: tuple[str, ...] = ()   # problems in paths starting so come first (the sources')

    def error(self, path: str, line: int, message: str) -> None:
        self.items.append(ContentError(path, line, message))

    def warning(self, path: str, line: int, message: str) -> None:
        self.items.append(ContentError(path, line, message, "warning"))

    def add(self, problem: ContentError, *, as_warning: bool = False) -> None:
        if as_warning:
            problem = ContentError(problem.path, problem.line, problem.message, "warning")
        self.items.append(problem)

    def extend(self, other: "Problems", *, as_warnings: bool = False) -> None:
        for problem in other.items:
            self.add(problem, as_warning=as_warnings)

    @property
    def errors(self) -> list[ContentError]:
        return [p for p in self.items if p.severity == "error"]

    def sorted(self) -> list[ContentError]:
        """Problems in a stable order: those of `leading` paths first, then
        by file, then line."""
        lead = self.leading
        return sorted(self.items, key=lambda p: (not (lead and p.path.startswith(lead)), p.path, p.line, p.message))


def unknown_key_message(key: str, known: list[str] | tuple[str, ...], what: str) -> str:
    """'unknown key "titel" in an entry; did you mean "title"?'"""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(known)}"
    return f'unknown key "{key}" in {what}{hint}'
