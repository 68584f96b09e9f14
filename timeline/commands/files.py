"""Writing what a command planned: every file whole, moved into place,
none replaced unless asked."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class CommandError(Exception):
    """A problem with what a command was given, with no file and line to
    name: printed as `build.py: error: MESSAGE`, exit status 1."""


@dataclass
class Planned:
    """The files a command means to write, path -> text, in order."""

    files: dict[Path, str | bytes] = field(default_factory=dict)

    def add(self, path: Path, text: str | bytes) -> None:
        self.files[path] = text

    def existing(self) -> list[Path]:
        return [path for path in self.files if path.exists()]


def write_planned(planned: Planned, *, force: bool) -> list[Path]:
    """Write every planned file; returns those that replaced a file. With
    an existing file and no `force`, nothing at all is written."""
    existing = planned.existing()
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise CommandError(f"{names} already exist{'s' if len(existing) == 1 else ''}: nothing was written "
                           "(give --force to replace, or --dry-run to see what would be written)")
    for path, text in planned.files.items():
        write_whole(path, text)
    return existing


def write_whole(path: Path, text: str | bytes) -> None:
    """Write the text (or bytes, as they are) beside its place, then move
    it there: a reader (or a crash) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def yaml_text(value: str) -> str:
    """A YAML scalar that reads back as exactly `value`, whatever it holds
    ("No", "2021", a colon, quotes): a double-quoted string."""
    out = ['"']
    for ch in value:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\x7f\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_text(v) for v in values) + "]"
