"""The timeline as plain data: every checked entry in order, with the
groups, marks and links the model stage makes of them, as the renderer
shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.entry import Entry
from ..read.i18n import Language
from ..read.settings import Settings
from ..read.sources import Source


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
    language: Language                         # the site's language and its strings (i18n.load_language)
    context: str = ""                          # what the entries were checked against (EntryChecker.context)
    # Each spelling of a tag -> its group's (label shown, page); likewise for people.
    tag_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    person_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    drafts_left_out: int = 0                   # drafts not built (no --drafts)
    tracks: list[Group] = field(default_factory=list)   # the entries of each `group`
    track_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Each media file's path in the site -> (its file, the digest of its bytes).
    media_files: dict[str, tuple[str, str]] = field(default_factory=dict)
