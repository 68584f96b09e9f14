"""How the command was run (`timeline`, `python -m timeline`, or
`python build.py` in a copy of the repository): for its usage lines, and
for the command a message tells the user to run next, which must work
where they will run it."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


# Every command, with the line `--help` gives it.
COMMANDS = (
    ("build", "build the site into site/, verifying every quote and passage (the default)"),
    ("check", "check everything as build does, and write nothing"),
    ("serve", "build and serve the site, rebuilding at every save (a preview while you write)"),
    ("init", "make a new, empty timeline project"),
    ("new", "write a new draft entry"),
    ("import", "turn a spreadsheet (CSV) or TimelineJS JSON of events into entries"),
    ("capture", "turn a web page (an address, a saved page or a web archive) into an archived source"),
)


def listing() -> str:
    """The commands, one a line, for `--help`."""
    width = max(len(name) for name, _ in COMMANDS)
    lines = [f"  {name:<{width}}  {line}" for name, line in COMMANDS]
    return "commands:\n" + "\n".join(lines) + f"\n\n`{program()} COMMAND --help` shows a command's options."


def program(argv0: str | None = None) -> str:
    """The name usage lines give the program."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    name = os.path.basename(argv0)
    if name == "__main__.py":
        return "python -m timeline"
    if name.endswith(".py"):
        return name
    return "timeline"


def name() -> str:
    """What messages are signed with (`build.py: error: ...`, `timeline: error: ...`)."""
    return program().removeprefix("python -m ")


def command_from(folder: Path, argv0: str | None = None) -> str:
    """What to type, in `folder`, to run this program again: `timeline` when
    the installed command is on the PATH, else a path to it, or to the
    build.py this run came from."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    base = os.path.basename(argv0)
    checkout = (PACKAGE.parent / "build.py").is_file()
    if base.endswith(".py") and base != "__main__.py":
        return f"{_python(folder)} {_path_from(folder, Path(argv0))}"
    if base == "__main__.py":
        if checkout:
            # `python -m timeline` found the package in the current folder,
            # which the user is about to leave: build.py works from anywhere.
            return f"{_python(folder)} {_path_from(folder, PACKAGE.parent / 'build.py')}"
        return f"{_python(folder)} -m timeline"
    on_path = shutil.which(base)
    if on_path and os.path.abspath(on_path) == os.path.abspath(argv0):
        return base
    if on_path is None and os.sep not in argv0:
        return base   # run by a name, not a path: whatever found it will again
    return _path_from(folder, Path(argv0))


def _python(folder: Path) -> str:
    """`python` if that is this interpreter, else the path to it."""
    found = shutil.which("python")
    if found and os.path.abspath(found) == os.path.abspath(sys.executable):
        return "python"
    return _path_from(folder, Path(sys.executable))


def _path_from(folder: Path, target: Path) -> str:
    """`target` as typed from `folder`: relative when it is near, else absolute."""
    target = Path(os.path.abspath(target))
    try:
        relative = os.path.relpath(target, os.path.abspath(folder))
    except ValueError:   # another drive
        return shlex.quote(str(target))
    if relative.count(os.pardir) > 2:
        return shlex.quote(str(target))
    return shlex.quote(relative if os.sep in relative else os.path.join(os.curdir, relative))
