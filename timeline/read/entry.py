"""One entry as plain data: what the entry reader produces, the checker
completes and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, TypeVar, overload

from .dates import PartialDate
from .names import href, page_name
from .schema import derived, key

if TYPE_CHECKING:
    from .fields import Fields

T = TypeVar("T")


class cached(Generic[T]):
    """functools.cached_property without the lock Python 3.11 takes on each
    first use (3.12 dropped it too): a build reads some 40,000 links once."""

    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> cached[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object, owner: type | None = None) -> cached[T] | T:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


def source_link(source_id: str, mark: str | None) -> str:
    """The source's page, at the mark of a cited passage if there is one."""
    return href("sources", source_id + ".html") + (f"#{mark}" if mark else "")


@dataclass(kw_only=True)
class Citation:
    """An entry's reference to a source, optionally to one passage of it."""

    WHAT: ClassVar[str] = "a citation"
    LINE_FROM: ClassVar[tuple[str, ...]] = ("passage",)   # its line: that key's, if given
    SOURCE_KEY: ClassVar[str] = "id"                      # the key naming its source

    source: str = key("text", required=True, name="id")
    passage: str | None = key("text", then=(("url", "link"),))
    line: int = derived(default=1)
    source_line: int = derived(default=1)   # of the key naming its source
    mark: str | None = derived()     # id of the <mark> on the source page

    @cached
    def link(self) -> str:
        return source_link(self.source, self.mark)


@dataclass(kw_only=True)
class Quote:
    WHAT: ClassVar[str] = "a quote"
    LINE_FROM: ClassVar[tuple[str, ...]] = ("text",)
    SOURCE_KEY: ClassVar[str] = "source"

    text: str = key("text", required=True)
    by: str = key("text", required=True)
    source: str = key("text", required=True, then=(("url", "link"),))
    line: int = derived(default=1)
    source_line: int = derived(default=1)   # of the key naming its source
    mark: str | None = derived()

    @cached
    def link(self) -> str:
        return source_link(self.source, self.mark)


@dataclass(kw_only=True)
class Figure:
    WHAT: ClassVar[str] = "a figure"
    LINE_FROM: ClassVar[tuple[str, ...]] = ("passage",)
    SOURCE_KEY: ClassVar[str] = "source"

    what: str = key("text", required=True)
    value: int | float = key("number", required=True)
    qualifier: str | None = key("text")
    unit: str | None = key("text")
    label: str | None = key("text")
    according_to: str | None = key("text")
    source: str = key("text", required=True)
    passage: str | None = key("text", then=(("url", "link"), ("verified", "verified")))
    line: int = derived(default=1)
    source_line: int = derived(default=1)   # of the key naming its source
    mark: str | None = derived()

    @cached
    def link(self) -> str:
        return source_link(self.source, self.mark)

    @cached
    def verified(self) -> bool:
        """Whether its passage was found in the source's text: a figure
        without one is the curator's reading, and is shown as unchecked."""
        return self.mark is not None

    @cached
    def anchor(self) -> str:
        """Its `what`'s section of figures.html (whats that differ only in
        case, spacing or punctuation are one)."""
        return "f-" + page_name(self.what)


@dataclass(kw_only=True)
class Media:
    """A picture of the event (a file inside content/, copied into the
    site) or a link to media elsewhere (a url, never loaded)."""

    WHAT: ClassVar[str] = "a media item"
    LINE_FROM: ClassVar[tuple[str, ...]] = ("file", "url")

    site_path: str | None = derived(json=True, name="file")   # media/ + its path inside content/
    file: str | None = key("text", json=False)                  # as written: relative to the entry's file
    url: str | None = key("url")
    alt: str | None = key("text")
    caption: str | None = key("text")
    credit: str | None = key("text")
    line: int = derived(default=1)
    width: int | None = derived()
    height: int | None = derived()
    digest: str | None = derived()       # of the file's bytes: pages showing it change with it
    type: str | None = derived()         # its media type, image/png ...
    # Caption and credit rendered as inline Markdown (ROOT markers for
    # relative links), and the caption's words, where it stands in as link text.
    caption_html: str = derived(default="")
    credit_html: str = derived(default="")
    caption_text: str = derived(default="")

    @staticmethod
    def check_read(values: dict[str, Any], f: Fields, line: int) -> bool:
        if ("file" in f.map) == ("url" in f.map):
            f.problems.error(f.path, line, 'a media item has exactly one of "file" (a picture inside the '
                             'content folder) and "url" (an http(s) address, linked and never loaded)')
            return False
        if values["file"] is None and values["url"] is None:
            return False   # the one given was refused, and said why
        if values["file"] is not None and not values["alt"]:
            f.problems.error(f.path, f.line("file"), f'the picture "{values["file"]}" needs "alt": a short '
                             "description for readers who cannot see it")
            return False
        return True

    @cached
    def host(self) -> str:
        """The host a url item links to, as its card names it."""
        from urllib.parse import urlsplit
        return urlsplit(self.url or "").hostname or ""


@dataclass(kw_only=True)
class Correction:
    WHAT: ClassVar[str] = "a correction"
    LINE_FROM: ClassVar[tuple[str, ...]] = ()

    date: PartialDate = key("date", required=True)
    text: str = key("text", required=True)
    line: int = derived(default=1)


@dataclass(eq=False, kw_only=True)
class Entry:
    """One event, as read from content/**/*.md: its keys (declared with
    `key`, in the order timeline.json gives them) and what the build makes
    of them. Compared by identity: two entries are never the same entry,
    and field-by-field equality is slow."""

    WHAT: ClassVar[str] = "an entry"

    path: str = derived(default="")          # inside content/, with '/' separators
    shown_path: str = derived(default="")    # as errors name it
    slug: str = derived(json=True, default="")
    title: str = key("text", required=True)
    date: PartialDate = key("date", required=True)
    end: PartialDate | None = key("date", then=(("precision", "precision"),))
    approximate: bool = key("flag")
    place: str | None = key("text")
    display_date: str | None = key("text")   # shown instead of the date, which still orders it
    group: str | None = key("text")          # its track
    tags: list[str] = key("text_list")
    people: list[str] = key("text_list", then=(("url", "href"),))
    sources: list[Citation] = key("custom", required=True, default_factory=list)
    quotes: list[Quote] = key("items", of=Quote)
    figures: list[Figure] = key("items", of=Figure)
    media: list[Media] = key("items", of=Media)
    updated: PartialDate | None = key("date")
    corrections: list[Correction] = key("items", of=Correction)
    draft: bool = key("flag")
    extra: Any = key("plain")
    body: str = derived(cache=False, default="")   # Markdown source
    body_line: int = derived(default=1)
    body_html: str = derived(default="")      # rendered, with ROOT markers for relative links
    hash: str = derived(default="")           # of the file and all it was checked against: a cache key
    data_json: str = derived(default="")      # its object in timeline.json (see data.py)
    search_words: str = derived(default="")   # its words for the search index (see data.py)
    outline: str = derived(default="")        # digest of its path and front matter (see data.outline)
    # (label shown, page) of its tags and people: their groups', which
    # depend on the other entries too (assemble.groups).
    tag_links: list[tuple[str, str]] = derived(cache=False, default_factory=list)
    people_links: list[tuple[str, str]] = derived(cache=False, default_factory=list)
    group_link: tuple[str, str] | None = derived(cache=False)   # (label shown, page) of its track

    def key_part(self) -> str:
        """What a page key says of it (keys.KeyMaker): its hash covers its
        file and what it was checked against; its links, the groups."""
        return f"E{self.hash}{self.tag_links!r}{self.people_links!r}{self.group_link!r}"

    @property
    def precision(self) -> str:
        return self.date.precision

    def order(self) -> tuple:
        """Timeline order: the earliest moment the date can mean, then the file path."""
        return (self.date.start(), self.path)

    def cited_sources(self) -> list[str]:
        """Every source id the entry cites, in the order it cites them."""
        return list(self.cited_ids)

    @cached
    def cited_ids(self) -> tuple[str, ...]:
        """cited_sources(), worked out once: its page, its card, its embed
        card and each file of one piece per entry ask for it."""
        ids = [c.source for c in self.sources] + [q.source for q in self.quotes] + [x.source for x in self.figures]
        return tuple(dict.fromkeys(ids))

    @cached
    def href(self) -> str:
        """Its page, relative to the site root and percent-encoded."""
        return href("entries", self.slug + ".html")
