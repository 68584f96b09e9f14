"""The timeline as plain data: what the readers produce and the renderer shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dates import PartialDate
from .names import href
from .settings import Settings
from .sources import Source


class cached:
    """functools.cached_property without the lock Python 3.11 takes on each
    first use (3.12 dropped it too): a build reads some 40,000 links once."""

    def __init__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


def source_link(source_id: str, mark: str | None) -> str:
    """The source's page, at the mark of a cited passage if there is one."""
    return href("sources", source_id + ".html") + (f"#{mark}" if mark else "")


@dataclass
class Citation:
    """An entry's reference to a source, optionally to one passage of it."""

    source: str
    line: int
    passage: str | None = None
    mark: str | None = None          # id of the <mark> on the source page

    @cached
    def link(self) -> str:
        return source_link(self.source, self.mark)


@dataclass
class Quote:
    text: str
    by: str
    source: str
    line: int
    mark: str | None = None

    @cached
    def link(self) -> str:
        return source_link(self.source, self.mark)


@dataclass
class Figure:
    what: str
    value: int | float
    source: str
    line: int
    qualifier: str | None = None
    unit: str | None = None
    label: str | None = None
    according_to: str | None = None
    passage: str | None = None
    mark: str | None = None

    @cached
    def link(self) -> str:
        return source_link(self.source, self.mark)


@dataclass
class Correction:
    date: PartialDate
    text: str


@dataclass(eq=False)
class Entry:
    """One event, as read from content/**/*.md. Compared by identity: two
    entries are never the same entry, and field-by-field equality is slow."""

    path: str                 # inside content/, with '/' separators
    shown_path: str           # as errors name it
    slug: str
    title: str
    date: PartialDate
    end: PartialDate | None = None
    approximate: bool = False
    place: str | None = None
    tags: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    updated: PartialDate | None = None
    corrections: list[Correction] = field(default_factory=list)
    extra: Any = None
    draft: bool = False
    body: str = ""            # Markdown source
    body_line: int = 1
    body_html: str = ""       # rendered, with ROOT markers for relative links
    hash: str = ""            # of the file and all it was checked against: a cache key
    data_json: str = ""       # its object in timeline.json (see data.py)
    search_words: str = ""    # its words for the search index (see data.py)
    outline: str = ""         # digest of its path and front matter (see data.outline)
    # (label shown, page) of its tags and people: their groups', which
    # depend on the other entries too (assemble.groups).
    tag_links: list[tuple[str, str]] = field(default_factory=list)
    people_links: list[tuple[str, str]] = field(default_factory=list)

    def order(self) -> tuple:
        """Timeline order: the earliest moment the date can mean, then the file path."""
        return (self.date.start(), self.path)

    def cited_sources(self) -> list[str]:
        """Every source id the entry cites, in the order it cites them."""
        ids = [c.source for c in self.sources] + [q.source for q in self.quotes] + [x.source for x in self.figures]
        return list(dict.fromkeys(ids))

    @cached
    def href(self) -> str:
        """Its page, relative to the site root and percent-encoded."""
        return href("entries", self.slug + ".html")


@dataclass
class MarkSpan:
    """A cited stretch of a source text, marked on the source page."""

    id: str
    kind: str                              # "quote" or "passage"
    spans: tuple[tuple[int, int], ...]     # offsets in the source text
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Group:
    """Entries sharing a tag or a person."""

    name: str          # file name part: tags/NAME.html
    label: str
    entries: list[Entry] = field(default_factory=list)
    href: str = ""     # its page, relative to the site root


@dataclass
class Timeline:
    settings: Settings
    intro_html: str
    entries: list[Entry]                       # in timeline order
    sources: dict[str, Source]
    marks: dict[str, list[MarkSpan]]           # by source id, in text order
    tags: list[Group]
    people: list[Group]
    citing: dict[str, list[Entry]]             # source id -> entries citing it
    context: str = ""                          # what the entries were checked against (EntryChecker.context)
    tag_of: dict[str, Group] = field(default_factory=dict)      # each spelling of a tag -> its group
    person_of: dict[str, Group] = field(default_factory=dict)   # likewise for people
