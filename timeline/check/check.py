"""Validate and verify one entry against everything it refers to: its
sources, the verbatim text of its passages and quotes, its links."""

from __future__ import annotations

import bisect
import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..read.data import entry_json, search_words
from ..read.entries import read_entry
from ..errors import Problems
from ..hashing import digest, file_digest
from .markup import Rendered, new_inline_parser, new_parser, render_inline, render_markdown
from .media import check_media
from ..read.entry import Entry
from .nearest import WordIndex, explain
from ..read.readers import Readers
from ..read.sources import ALL, Source
from .verify import SourceText, line_spans, mark_id, normalised_pieces


@dataclass
class Archive:
    """A source text prepared for many look-ups."""

    text: SourceText
    line_starts: list[int]
    furniture: frozenset[int]
    words: WordIndex | None = None   # made when a first miss is explained

    @classmethod
    def of(cls, source: Source) -> "Archive":
        starts = [start for start, _ in line_spans(source.text)]
        return cls(SourceText(source.text), starts, source.furniture)

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def furniture_lines(self, spans: Sequence[tuple[int, int]]) -> list[int]:
        if not self.furniture:
            return []
        lines: set[int] = set()
        for start, end in spans:
            lines.update(range(self.line_at(start), self.line_at(max(start, end - 1)) + 1))
        return sorted(lines & self.furniture)


@dataclass
class CitedSpan:
    """Where a citation was found: the mark it makes on its source page."""

    source: str
    mark: str
    kind: str
    spans: tuple[tuple[int, int], ...]


@dataclass
class Checked:
    """The outcome of checking one file: the entry, if it has no error."""

    path: str
    entry: Entry | None
    cited: list[CitedSpan]
    problems: Problems
    draft: bool = False
    links: list[tuple[int, str]] = field(default_factory=list)   # (line, content path), checked by the caller
    file_hash: str = ""       # of the bytes that were checked
    # Other files the check read: (path inside content/, digest or "" if
    # unreadable). A kept check holds while they are unchanged too.
    depends: list[tuple[str, str]] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)   # the source ids it names (read even when it has errors)


class EntryChecker:
    """Reads and checks entries; one per process, as it holds the sources
    prepared for look-ups."""

    def __init__(self, content_dir: Path, shown_dir: str, tz: str, sources: dict[str, Source],
                 readers: Readers = Readers(), salt: str = "", broken: dict[str, str] | None = None,
                 seeds_shown: str = "seeds", language: str = "en"):
        self.content_dir = content_dir
        self.folder = str(content_dir)
        self.language = language   # the timeline's: front matter dates may use its month names
        self.shown_dir = shown_dir
        self.tz = tz
        self.sources = sources
        self.readers = readers
        self.seeds_shown = seeds_shown   # as messages name the seeds folder
        self.broken = broken or {}   # sources left out for their errors (sources.load_sources)
        self.archives: dict[str, Archive] = {}
        self.md = new_parser()
        self.inline_md = new_inline_parser()
        # What a check depends on besides the file: a kept check made
        # under another context is not reused.
        ordered = sorted(sources.values(), key=lambda s: s.id)
        self.context = digest(salt, shown_dir, tz, language, [(s.id, s.sha256, sorted(s.furniture)) for s in ordered],
                              sorted(self.broken.items()))

    def markdown(self, text: str, *, first_line: int, doc_id: str, from_path: str) -> Rendered:
        """Markdown rendered with this checker's parser and readers."""
        return render_markdown(self.md, text, first_line=first_line, doc_id=doc_id, from_path=from_path,
                               shortcut=self.readers.markdown_shortcut)

    def archive(self, source_id: str) -> Archive:
        if source_id not in self.archives:
            self.archives[source_id] = Archive.of(self.sources[source_id])
        return self.archives[source_id]

    def check(self, rel: str) -> Checked:
        """One entry file through the stages that need no other entry:
        read it, verify it against its sources, render its body and make
        its data. The engine runs this wherever it likes (in a worker
        process); what needs every entry is assemble's."""
        problems = Problems()
        try:
            raw = read_file(os.path.join(self.folder, rel))
        except OSError as exc:
            problems.error(os.path.join(self.shown_dir, rel), 1, f"cannot read the file: {exc.strerror}")
            return Checked(rel, None, [], problems)
        file_hash = file_digest(raw)
        entry = read_entry(raw, rel, self.shown_dir, self.tz, problems, self.readers.load_yaml, self.language)
        if entry is None:
            return Checked(rel, None, [], problems, file_hash=file_hash)
        cited = self.verify(entry, problems)
        cites = list(entry.cited_sources())
        depends = check_media(entry, self.content_dir, problems)
        links = self.media_text(entry)
        rendered = self.markdown(entry.body, first_line=entry.body_line, doc_id=entry.slug, from_path=entry.path)
        links.extend(rendered.links)
        if problems.errors:
            return Checked(rel, None, [], problems, entry.draft, links, file_hash, depends, cites)
        # What this stage adds to the entry the reader made (its items'
        # marks and captions are set above, as they are verified).
        entry.body_html = rendered.html
        entry.hash = entry_hash(self.context, rel, file_hash, depends)
        entry.data_json, entry.search_words = entry_json(entry), search_words(rendered.text, entry.quotes)
        return Checked(rel, entry, cited, problems, entry.draft, links, file_hash, depends, cites)

    def media_text(self, entry: Entry) -> list[tuple[int, str]]:
        """Each media item's caption and credit rendered as inline Markdown,
        their links resolved as the body's. Returns the links to entries'
        files, for the caller to check as the body's."""
        links: list[tuple[int, str]] = []
        for item in entry.media:
            if item.caption:
                caption = render_inline(self.inline_md, item.caption, line=item.line, from_path=entry.path)
                item.caption_html, item.caption_text = caption.html, caption.text
                links.extend(caption.links)
            if item.credit:
                credit = render_inline(self.inline_md, item.credit, line=item.line, from_path=entry.path)
                item.credit_html = credit.html
                links.extend(credit.links)
        return links

    def verify(self, entry: Entry, problems: Problems) -> list[CitedSpan]:
        """Every source the entry names must exist, and every passage and
        quote be found verbatim in it, outside its page furniture; each
        found one gets its mark id. Returns where they were found."""
        cited: list[CitedSpan] = []
        for c in entry.sources:
            if self._known(entry, c.source, c.source_line, problems) and c.passage:
                c.mark = self._verify(entry, c.source, c.passage, "passage", c.line, problems, cited)
        for q in entry.quotes:
            if self._known(entry, q.source, q.source_line, problems):
                q.mark = self._verify(entry, q.source, q.text, "quote", q.line, problems, cited)
        for x in entry.figures:
            if self._known(entry, x.source, x.source_line, problems) and x.passage:
                x.mark = self._verify(entry, x.source, x.passage, "passage", x.line, problems, cited)
        return cited

    def _known(self, entry: Entry, source_id: str, line: int, problems: Problems) -> bool:
        """Whether the source exists; if not, why, at the line that names it."""
        if source_id in self.sources:
            return True
        if ALL in self.broken:
            return False   # sources.yaml's own error says it all, once
        if source_id in self.broken:
            problems.error(entry.shown_path, line, f'source "{source_id}" has errors: see {self.broken[source_id]}')
            return False
        known = sorted(self.sources) + sorted(self.broken)
        close = difflib.get_close_matches(source_id, known, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else ""
        problems.error(entry.shown_path, line, f'unknown source "{source_id}": it is not in sources.yaml{hint}')
        return False

    def _why(self, source_id: str, needle: str) -> tuple[str, str]:
        """The needle as the message shows it (around where it parts from
        the source, for a long one), and what the source has instead."""
        archive = self.archive(source_id)
        if archive.words is None:
            archive.words = WordIndex(archive.text)
        miss = explain(archive.text, archive.words, needle)
        if miss is None:
            return _short(needle), ""
        which = f"its piece {miss.piece} of {miss.pieces}" if miss.pieces > 1 else "it"
        if miss.out_of_order:
            return _short(needle), (f"; {which} is in the source, but before the piece ahead of it: "
                                    "cite the pieces in the source's order")
        if miss.nearest is None:
            return _short(needle), f"; no words of {which} are in the source"
        shown = _around(needle, miss.needle_word) if miss.pieces == 1 and miss.parted_at else _short(needle)
        where = f"{os.path.join(self.seeds_shown, self.sources[source_id].file)}:{archive.line_at(miss.offset)}"
        nearest = _around(miss.nearest, miss.nearest_word) if miss.parted_at else _short(miss.nearest)
        said = f'; nearest to {which} in the source: "{nearest}" ({where})'
        if miss.parted_at:
            said += f', parting at {_word(miss.parted_at[0])} where the source has {_word(miss.parted_at[1])}'
        return shown, said

    def _verify(self, entry: Entry, source_id: str, text: str, kind: str, line: int, problems: Problems,
                cited: list[CitedSpan]) -> str | None:
        archive = self.archive(source_id)
        pieces = normalised_pieces(text)
        match = archive.text.find_pieces(pieces)
        what = "quote" if kind == "quote" else "passage"
        if match is None:
            shown, why = self._why(source_id, text)
            problems.error(entry.shown_path, line, f'{what} not found verbatim in source "{source_id}": '
                           f'"{shown}"{why}')
            return None
        furniture = archive.furniture_lines(match.spans)
        if furniture:
            problems.error(entry.shown_path, line, f'{what} cites page furniture of source "{source_id}" (line {furniture[0]} of its file)')
            return None
        # One piece is the whole text normalised (normalised_pieces): not done twice.
        whole = pieces[0] if len(pieces) == 1 and "…" not in text and text.count(".") < 3 else None
        mark = mark_id("q" if kind == "quote" else "p", source_id, text, whole)
        cited.append(CitedSpan(source_id, mark, kind, match.spans))
        return mark


def read_file(path: str) -> bytes:
    """A file's bytes, read without a file object: for the small files of
    a timeline, opening one costs more than reading it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _word(word: str) -> str:
    return f'"{word}"' if word else "its end"


def entry_hash(context: str, rel: str, file_hash: str, depends: Sequence[tuple[str, str]] = ()) -> str:
    """What every page key says of an entry: its file's bytes and what they
    were checked against (`context`), the other files it read (its
    pictures), and its path, which gives its slug: a file renamed, its
    bytes unchanged, is linked by its new name."""
    return digest(context, rel, file_hash, *([list(d) for d in depends] if depends else []))


def check_chunk(checker: EntryChecker, rels: Sequence[str]) -> list[Checked]:
    """Check entry files: a task for Engine.map."""
    return [checker.check(rel) for rel in rels]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _around(text: str, word: int, limit: int = 80) -> str:
    """The text in about `limit` characters, showing its `word`-th word
    (counted from 0) and a few after it: the start of a long quote when
    the difference is there, else the stretch that ends just past it."""
    words = text.split()
    whole = " ".join(words)
    upto = min(len(words), word + 4)
    if len(whole) <= limit or len(" ".join(words[:upto])) < limit:
        return _short(whole, limit)
    kept: list[str] = []
    size = 1
    for w in reversed(words[:upto]):
        if kept and size + len(w) + 1 > limit - 1:
            break
        kept.insert(0, w)
        size += len(w) + 1
    return "…" + " ".join(kept) + ("…" if upto < len(words) else "")
