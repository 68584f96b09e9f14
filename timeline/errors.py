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
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def __reduce__(self):
        # So that an error raised in a worker process reaches the parent whole.
        return (ContentError, (self.path, self.line, self.message, self.severity))


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
