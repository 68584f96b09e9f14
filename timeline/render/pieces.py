"""Files that hold one piece per entry (timeline.json,
the exports): each is declared once as a head, one piece per entry made by
a function of that entry and what is `Around` it, and a foot.

Because a piece is a function of its entry and the few things every piece
of its file shares, a build that keeps the pieces of the last one
(`Kept`) makes again only those of changed entries and joins the file
anew, and a rebuild that knows an entry's old and new version replaces
the one piece by the other in the written file (speedups/quick.py), for
every file declared here and any declared tomorrow, with no list of
splices per file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..read.data import to_json
from ..read.i18n import Language
from ..read.entry import Entry
from ..model.timeline import Timeline
from ..read.settings import Settings
from ..read.sources import Source


@dataclass(slots=True)
class Around:
    """What a piece may read besides its entry: the same for every entry
    of one build, but the page that lists the entry."""

    sources: dict[str, Source]
    settings: Settings
    language: Language          # the site's language: the words pieces add, the body's own
    shared: Any                 # the file's own plain data (JSON), made from the whole timeline
    listed: str | None          # the listing page that shows the entry (None: the home page)


def _as_is(text: str) -> str:
    return text


@dataclass(frozen=True)
class Output:
    """One file written from an EntryFile's text: `finish` is applied to
    each part alone, so it must change characters one by one (js_safe)."""

    path: str
    before: str = ""
    after: str = ""
    finish: Callable[[str], str] = _as_is


@dataclass(frozen=True)
class EntryFile:
    """A text made of head + pieces (in timeline order, None: the entry has
    none here) joined by `between` + foot, written as one or more Outputs.
    `shared` makes the plain data (JSON) head, pieces and foot read of the
    whole timeline, given where each entry is listed."""

    name: str
    outputs: tuple[Output, ...]
    piece: Callable[[Entry, Around], str | None]
    head: Callable[[Timeline, Any], str]
    foot: Callable[[Timeline, Any], str]
    between: str = ""
    shared: Callable[[Timeline, dict[str, str]], Any] = lambda t, where: None


# name -> (what every piece shared, {entry's piece key: piece}), from the last build
Kept = dict[str, tuple[str, dict[str, "str | None"]]]


def piece_key(entry: Entry, listed: str | None) -> str:
    """What a piece is made from of its entry: its hash (its file and what
    it was checked against), the groups it links to and where it is listed."""
    return f"{entry.key_part()}\0{listed or ''}"


@dataclass
class Made:
    """An EntryFile's parts as made for one build."""

    head: str
    pieces: list[str | None]
    foot: str

    def output(self, file: EntryFile, out: Output) -> bytes:
        f = out.finish
        body = file.between.join([f(p) for p in self.pieces if p is not None])
        return (f(out.before) + f(self.head) + body + f(self.foot) + f(out.after)).encode("utf-8")


def make(file: EntryFile, t: Timeline, where: dict[str, str], shared_key: str = "",
         kept: Kept | None = None) -> Made:
    """Every part of the file; with `kept`, pieces whose entry and shared
    inputs (`shared_key` and the shared data) are as in the last build are
    taken from it, and `kept` then holds this build's."""
    shared = file.shared(t, where)
    known: dict[str, str | None] = {}
    if kept is not None:
        shared_key = f"{shared_key}\0{to_json(shared)}"
        was = kept.get(file.name)
        if was is not None and was[0] == shared_key:
            known = was[1]
    pieces: list[str | None] = []
    now: dict[str, str | None] = {}
    # One Around for all, its `listed` set entry by entry.
    around = Around(t.sources, t.settings, t.language, shared, None)
    for e in t.entries:
        listed = around.listed = where.get(e.slug)
        k = piece_key(e, listed) if kept is not None else ""
        if k in known:
            p = known[k]
        else:
            p = file.piece(e, around)
        if kept is not None:
            now[k] = p
        pieces.append(p)
    if kept is not None:
        kept[file.name] = (shared_key, now)
    return Made(file.head(t, shared), pieces, file.foot(t, shared))


def whole(file: EntryFile, t: Timeline, where: dict[str, str] | None = None, index: int = 0) -> bytes:
    """One output of the file, made from scratch."""
    return make(file, t, where or {}).output(file, file.outputs[index])


class Joined:
    """One output of an EntryFile as its encoded parts, kept by a rebuild
    in the same process: when an entry changes, its piece is replaced and
    the file joined again in one pass, whatever the file (no search for
    the old piece, no splice of its own)."""

    def __init__(self, file: EntryFile, out: Output, made: Made):
        self.file, self.out = file, out
        f = out.finish
        self.parts: list[bytes | None] = [None if p is None else f(p).encode("utf-8") for p in made.pieces]
        self.missing = self.parts.count(None)   # entries with no piece: none, in most files
        self.between = file.between.encode("utf-8")
        self.head = self.foot = b""
        self.ends(made.head, made.foot)
        # What changed since `settle`: each replaced piece as (index, old, new), and the ends.
        self.changes: list[tuple[int, bytes | None, bytes | None]] = []
        self.ends_changed = False

    def ends(self, head: str, foot: str) -> None:
        f = self.out.finish
        self.head = (f(self.out.before) + f(head)).encode("utf-8")
        self.foot = (f(foot) + f(self.out.after)).encode("utf-8")
        self.ends_changed = True

    def replace(self, index: int, piece: str | None) -> None:
        self.missing += (piece is None) - (self.parts[index] is None)
        new = None if piece is None else self.out.finish(piece).encode("utf-8")
        self.changes.append((index, self.parts[index], new))
        self.parts[index] = new

    def one_change(self) -> tuple[int, bytes, bytes, int] | None:
        """If one piece alone was replaced since `settle`, and its entry had
        one before and has one now: where it began in the file as joined
        then, its old bytes and its new, and that file's size. Else None
        (join it all again)."""
        if self.ends_changed or len(self.changes) != 1:
            return None
        index, old, new = self.changes[0]
        if old is None or new is None:
            return None
        step = len(self.between)
        before = self.parts[:index] if not self.missing else [p for p in self.parts[:index] if p is not None]
        start = len(self.head) + sum(map(len, before)) + step * len(before)  # type: ignore[arg-type]  # no None
        rest = self.parts[index:] if not self.missing else [p for p in self.parts[index:] if p is not None]
        size = start + sum(map(len, rest)) + step * (len(rest) - 1) + len(self.foot)  # type: ignore[arg-type]
        return start, old, new, size - len(new) + len(old)

    def settle(self) -> None:
        """The file is now as joined: changes are counted from here."""
        self.changes.clear()
        self.ends_changed = False

    def data(self) -> bytes:
        """As Made.output writes it."""
        if not self.missing:
            return self.head + self.between.join(self.parts) + self.foot  # type: ignore[arg-type]  # no part is None here
        return self.head + self.between.join([p for p in self.parts if p is not None]) + self.foot
