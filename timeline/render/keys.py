"""What a page is made from, as one key: an unchanged key means the page
would come out the same, so a build may leave it as it is.

A page's key is a digest of its template's inputs, the values its view
gives the template (render.plan_site's contexts), walked here whatever
they hold: no page kind has a hand-kept list of what it shows, and a
field a template starts to show is covered without a change to any key
code. An entry stands for itself by its hash (its file and what it was
checked against) and the groups its tags and people link to; a source by
its fields, its text by its SHA-256. A value computed later (render.Lazy)
stands for its function and arguments.

Pages that a build in the same process rendered before are keyed more
finely, by what their template was seen to read (`Reads`: recorded as
the pages were rendered, by `Recorder`): of an object of a class the
template reads, only the attributes it read; of a class it never reads,
nothing but its place. A title edit then changes the keys of the pages
that show titles, not of every page that holds the entry somewhere in its
context. A page that reads more than its key covered is not trusted next
time (output.write_site keeps no key for it)."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, Callable

from ..read.dates import PartialDate
from ..hashing import digest_text


_FIELDS: dict[type, tuple[str, ...]] = {}   # a dataclass's field names
_NOT_DATACLASS: set[type] = set()
_SCALARS = frozenset((str, int, float, bool, type(None)))

# template -> class -> the attributes its pages were seen to read
Reads = dict[str, dict[type, frozenset[str]]]


class Recorder:
    """While in use, notes every attribute read of the given classes'
    objects, as (class, name) in `seen`: what a page's rendering read; of
    the classes in `each` (the entries), also which object, as
    (id(object), name) in `objects`: which entries a page read, and what
    of each (`PageReads`)."""

    def __init__(self, classes: list[type], each: tuple[type, ...] = ()):
        self.classes = [c for c in classes if "__getattribute__" not in c.__dict__]
        self.each = each
        self.seen: set[tuple[type, str]] = set()
        self.objects: set[tuple[int, str]] = set()

    def __enter__(self) -> "Recorder":
        recorder = self
        for cls in self.classes:
            if cls in self.each:
                def getattribute(obj: Any, name: str, _cls: type = cls, _get: Callable[[object, str], Any] = object.__getattribute__) -> Any:
                    if name[:2] != "__":
                        recorder.seen.add((_cls, name))
                        recorder.objects.add((id(obj), name))
                    return _get(obj, name)
            else:
                def getattribute(obj: Any, name: str, _cls: type = cls, _get: Callable[[object, str], Any] = object.__getattribute__) -> Any:
                    if name[:2] != "__":
                        recorder.seen.add((_cls, name))
                    return _get(obj, name)
            cls.__getattribute__ = getattribute   # type: ignore[method-assign, assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        for cls in self.classes:
            del cls.__getattribute__

    def take(self) -> "Read":
        """What was read since the last take, and start afresh."""
        read = (self.seen, self.objects)
        self.seen, self.objects = set(), set()
        return read

    def resume(self, outer: "Read") -> "Read":
        """Back to what was being recorded before `outer` was taken, with
        what was read since added to it; returns what was read since."""
        read = (self.seen, self.objects)
        self.seen, self.objects = outer
        self.add(read)
        return read

    def add(self, read: "Read") -> None:
        """Count these reads as read again (a fragment reused)."""
        self.seen |= read[0]
        self.objects |= read[1]


# What one rendering read: (class, name) pairs, and (id(object), name) of the entries.
Read = tuple[set[tuple[type, str]], set[tuple[int, str]]]


class PageReads:
    """Which entries each page read, and what of each: recorded as the
    pages are rendered (`Recorder`'s `objects`, (id(entry), name)), kept
    by a project that builds again in this process with the entries they
    name, so that after an edit that changes no entry's place in the
    timeline the pages to make again are looked up, not keyed one by one."""

    def __init__(self) -> None:
        self.pages: dict[str, set[tuple[int, str]]] = {}   # page -> (id(entry), name) it read
        # id(entry) -> pages that read it (some may read it no longer: `reading` looks)
        self.readers: dict[int, set[str]] = {}

    def record(self, page: str, objects: set[tuple[int, str]]) -> None:
        """What `page` read now, in place of what it read before."""
        old = self.pages.get(page, set())
        self.pages[page] = objects
        for oid in {oid for oid, _ in objects - old}:
            self.readers.setdefault(oid, set()).add(page)

    def reading(self, entry: object, names: set[str]) -> set[str]:
        """The pages that read any of these names of the entry."""
        oid = id(entry)
        return {page for page in self.readers.get(oid, ()) if any((oid, n) in self.pages[page] for n in names)}

    def carried(self, pages: set[str], ids: dict[int, int]) -> "PageReads":
        """These pages' reads, in a build whose entries are other objects:
        `ids` maps an old entry's id to that of the entry of the same path."""
        now = PageReads()
        for page in pages:
            now.record(page, {(ids[oid], name) for oid, name in self.pages[page] if oid in ids})
        return now


def merge_reads(reads: Reads, template: str, seen: set[tuple[type, str]]) -> bool:
    """Add what a page of `template` read; whether it read anything the
    template was not known to read."""
    known = reads.setdefault(template, {})
    more = False
    for cls, name in seen:
        names = known.get(cls, frozenset())
        if name not in names:
            known[cls] = names | {name}
            more = True
    return more


def covered(view: dict[type, frozenset[str]] | None, seen: set[tuple[type, str]]) -> bool:
    """Whether a key made with `view` covers these reads (None: the whole of every object)."""
    return view is None or all(name in view.get(cls, ()) for cls, name in seen)


def watched_classes() -> list[type]:
    """Every dataclass of this package: those whose reads a Recorder notes,
    and which a view keys by what was read of them. Any other class a page
    holds is keyed whole."""
    package = __name__.split(".")[0] + "."
    found: dict[type, None] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith(package) and module is not None:
            for value in list(vars(module).values()):
                if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__.startswith(package):
                    found[value] = None
    return list(found)


class KeyMaker:
    """Keys for the pages of one build: values shared by many pages (the
    sources, a tag's entries) are walked once."""

    def __init__(self, base: str, views: Reads | None = None):
        self.base = base
        self.views = views or {}
        self.watched = frozenset(watched_classes()) if views else frozenset()
        self.view: dict[type, frozenset[str]] | None = None   # the current page's template's
        self.memos: dict[str | None, dict[int, str]] = {None: {}}   # one per view
        self.said: dict[str, str] = {}
        self.memo: dict[int, str] = self.memos[None]
        self.keep: list[Any] = []   # what the memo's ids stand for, kept alive while it is used

    def key(self, path: str, template: str, context: dict[str, Any]) -> str:
        view = self.view = self.views.get(template)
        said = ""
        if view is not None:
            said = self.said.get(template, "")
            if not said:
                said = self.said[template] = repr(sorted((c.__qualname__, sorted(n)) for c, n in view.items()))
            self.memo = self.memos.setdefault(template, {})
        else:
            self.memo = self.memos[None]
        # The context itself is the page's own: walked, not remembered.
        memo, part = self.memo, self.part
        parts = [f"{name}={memo.get(id(value)) or part(value)}" for name, value in context.items()]
        return digest_text(f"{self.base}\0{path}\0{template}\0{said}\0" + "\0".join(parts))

    def part(self, value: Any) -> str:
        """A text that differs whenever what `value` can show differs."""
        kind = type(value)
        if kind is str:
            return repr(value)
        if value is None or kind in (int, float, bool):
            return repr(value)
        known = self.memo.get(id(value))
        if known is not None:
            return known
        made = self._made(value, kind)
        if len(made) > 64:
            # Shared values stand in many keys: by their digest, not whole.
            made = "#" + digest_text(made)
        self.memo[id(value)] = made
        self.keep.append(value)
        return made

    def _made(self, value: Any, kind: type) -> str:
        fields = _FIELDS.get(kind)
        if fields is None and kind not in _NOT_DATACLASS:
            if dataclasses.is_dataclass(kind):
                fields = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
            else:
                _NOT_DATACLASS.add(kind)
        view = self.view
        if view is not None and fields is not None and kind in self.watched:
            read = view.get(kind)
            if read is None:
                return kind.__name__ + "()"   # never read by this template: only its place counts
            values = [getattr(value, name, None) for name in sorted(read)]
            if not any(callable(v) for v in values):
                return kind.__name__ + "{" + ",".join([self.part(v) for v in values]) + "}"
            # A method was called: what it reads is not known, so the whole.
        own = getattr(value, "key_part", None)
        if own is not None:
            return own()
        if kind is PartialDate:
            return f"D{value.state()!r}"
        if kind is tuple and all(type(v) in _SCALARS or (type(v) is tuple and all(type(x) is int for x in v))
                                 for v in value):
            return repr(value)   # offsets in a text, and the like
        if kind in (list, tuple):
            # Most items were walked before (entries, on many pages): their
            # parts are looked up here, without a call for each.
            memo, part = self.memo, self.part
            return "[" + ",".join([memo.get(id(v)) or part(v) for v in value]) + "]"
        if kind is dict:
            return "{" + ",".join([f"{self.part(k)}:{self.part(v)}" for k, v in value.items()]) + "}"
        if kind in (set, frozenset):
            return "S" + repr(sorted(value))
        names = fields
        if names is not None:
            return kind.__name__ + "(" + ",".join([self.part(getattr(value, name)) for name in names]) + ")"
        lazy = getattr(value, "key_of_lazy", None)
        if lazy is not None:
            fn, args = lazy()
            return f"L{fn.__module__}.{fn.__qualname__}(" + ",".join([self.part(a) for a in args]) + ")"
        if isinstance(value, str):   # Markup
            return repr(str(value))
        raise TypeError(f"a page's key cannot be made of a {kind.__name__}")
