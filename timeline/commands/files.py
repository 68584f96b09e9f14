"""Writing what a command planned: every file whole, moved into place,
none replaced unless asked."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import printable


class CommandError(Exception):
    """A problem with what a command was given, with no file and line to
    name: printed as `build.py: error: MESSAGE`, exit status 1."""

    def __str__(self) -> str:
        return printable(super().__str__())


@dataclass
class Planned:
    """The files a command means to write, path -> text, in order."""

    files: dict[Path, str | bytes] = field(default_factory=dict)

    def add(self, path: Path, text: str | bytes) -> None:
        self.files[path] = text

    def existing(self) -> list[Path]:
        return [path for path in self.files if path.exists()]


def write_planned(planned: Planned, *, force: bool) -> list[Path]:
    """Write every planned file, all of them or none; returns those that
    replaced a file. With an existing file and no `force`, nothing at all
    is written.

    Every file is first written whole beside its place; then a journal
    naming them all is put in the folder that holds them, and only then
    are they moved in. A run killed before the journal leaves temporaries
    that the next run removes; one killed after it leaves a journal that
    the next run (or build) carries out (finish_writing): never some of
    the files without the others."""
    paths = [Path(os.path.abspath(path)) for path in planned.files]
    if not paths:
        return []
    folder = Path(os.path.commonpath([str(path.parent) for path in paths]))
    finish_writing(folder, {path.parent for path in paths})
    existing = planned.existing()
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise CommandError(f"{names} already exist{'s' if len(existing) == 1 else ''}: nothing was written "
                           "(give --force to replace, or --dry-run to see what would be written)")
    staged: list[tuple[Path, Path]] = []
    journal: Path | None = None
    try:
        for path, text in zip(paths, planned.files.values()):
            staged.append((_stage(path, text), path))
        journal = _write_journal(folder, staged)
        _carry_out(staged)
        staged = []
        os.unlink(journal)
    finally:
        if staged and journal is None:
            for tmp, _ in staged:
                _unlink(tmp)
    return existing


def finish_writing(folder: Path, also: set[Path] | frozenset[Path] = frozenset()) -> None:
    """What a killed write_planned left in `folder`: a journal's files
    moved in (its temporaries that are still there), then the journal and
    any temporary of a run killed before its journal removed (in `folder`
    and the folders `also` names)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in sorted(names):
        if not (name.startswith(_JOURNAL) and name.endswith(".json")):
            continue
        journal = folder / name
        try:
            with open(journal, encoding="utf-8") as f:
                pairs = json.load(f)
            _carry_out([(folder / tmp, folder / target) for tmp, target in pairs if (folder / tmp).exists()])
        except (OSError, ValueError, TypeError):
            pass   # a journal cut short was never acted on: its temporaries go below
        _unlink(journal)
    for where in {folder, *also}:
        try:
            names = os.listdir(where)
        except OSError:
            continue
        for name in names:
            if _TEMPORARY.fullmatch(name):
                _unlink(where / name)


_JOURNAL = ".timeline-writing-"
_TEMPORARY = re.compile(r"\..+\.partial-[a-z0-9_]+\.tmp|\.timeline-writing-[a-z0-9_]+\.json\.tmp")


def _stage(path: Path, text: str | bytes) -> Path:
    """The text written whole beside `path`, under a temporary name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.partial-", suffix=".tmp", dir=path.parent)
    try:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        _unlink(Path(tmp))
        raise
    return Path(tmp)


def _write_journal(folder: Path, staged: list[tuple[Path, Path]]) -> Path:
    """The journal, itself written whole and moved in: once it is there,
    every staged file is."""
    fd, tmp = tempfile.mkstemp(prefix=_JOURNAL, suffix=".json.tmp", dir=folder)
    journal = Path(tmp[: -len(".tmp")])
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([[os.path.relpath(t, folder), os.path.relpath(p, folder)] for t, p in staged], f)
        os.replace(tmp, journal)
    except BaseException:
        _unlink(Path(tmp))
        raise
    return journal


def _carry_out(staged: list[tuple[Path, Path]]) -> None:
    for tmp, path in staged:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(tmp, path)
        except FileNotFoundError:
            if not path.exists():
                raise
            # Carried out already, by a build finishing this write.


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_whole(path: Path, text: str | bytes) -> None:
    """Write the text (or bytes, as they are) beside its place, then move
    it there: a reader (or a crash) never sees half of it."""
    tmp = _stage(path, text)
    try:
        os.replace(tmp, path)
    finally:
        _unlink(tmp)


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
