"""Verbatim matching of cited passages and quotes against archived source texts.

CONTRACT section 3, "Verbatim text": every ``passage`` and every quote
``text`` must occur in the cited source's archived text. Matching ignores
differences of white space, of straight and curly quotation marks and
apostrophes, and of Unicode normalisation (NFC); nothing else. A quote or
passage may leave words out with ``...``, ``…`` or ``[...]``: then each piece
must occur, in order.

What exactly is ignored (see :func:`normalise`):

* Unicode normalisation: both sides are compared in NFC (canonical
  equivalence only; *not* NFKC, so ``ﬁ`` and ``fi`` differ).
* Quotation marks and apostrophes: every character of :data:`SINGLE_QUOTES`
  compares equal to ``'`` and every character of :data:`DOUBLE_QUOTES` to
  ``"``. Single and double marks stay distinct (``'`` never equals ``"``).
* White space: any run of characters for which :meth:`str.isspace` is true
  (spaces, tabs, line ends, NBSP U+00A0, thin space U+2009, ideographic space
  U+3000, ...) compares equal to one space, and white space at either end is
  ignored. The zero-width spaces U+200B and U+FEFF (also the byte-order mark)
  are ignored entirely, wherever they are.

Anything else (case, punctuation, dashes, hyphens, digits, letters) must be
the same. A match must also begin and end on character boundaries of the
source: ``x`` does not match the ``x`` of ``x`` + COMBINING ACUTE ACCENT
(that would ignore an accent, which is not among the differences ignored).

This module also splits an archived text into paragraphs (CONTRACT section 2)
and derives stable mark ids from what is cited (CONTRACT section 5).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from bisect import bisect_right
from itertools import accumulate, chain, repeat
from operator import add
from typing import Iterator

from ..read.sources import line_spans

__all__ = [
    "DOUBLE_QUOTES",
    "SINGLE_QUOTES",
    "Match",
    "SourceText",
    "line_spans",
    "mark_id",
    "normalise",
    "paragraphs",
    "split_pieces",
]

#: Characters that compare equal to the straight apostrophe ``'`` (U+0027):
#: ‘ ’ ‚ ‛ (U+2018-U+201B), ‹ › (U+2039, U+203A), prime ′ and reversed
#: prime ‵ (U+2032, U+2035), grave accent ` (U+0060), acute accent ´
#: (U+00B4), modifier letters turned comma ʻ and apostrophe ʼ (U+02BB,
#: U+02BC) and the fullwidth apostrophe ＇ (U+FF07).
SINGLE_QUOTES = (
    "\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u2035\u0060\u00b4\u02bb\u02bc\uff07"
)
#: Characters that compare equal to the straight quotation mark ``"``
#: (U+0022): “ ” „ ‟ (U+201C-U+201F), « » (U+00AB, U+00BB), double prime ″
#: and reversed double prime ‶ (U+2033, U+2036) and the fullwidth quotation
#: mark ＂ (U+FF02).
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\uff02"

#: Zero-width "spaces" that are ignored entirely (dropped before comparing).
_ZERO_WIDTH = "\u200b\ufeff"

FOLD = str.maketrans(
    {**{c: "'" for c in SINGLE_QUOTES}, **{c: '"' for c in DOUBLE_QUOTES}}
)
DROP = str.maketrans({c: None for c in _ZERO_WIDTH})
_FOLDED = {c: "'" for c in SINGLE_QUOTES} | {c: '"' for c in DOUBLE_QUOTES}


def fold_quotes(text: str) -> str:
    """text.translate(FOLD), for a long text: translating looks up every
    character, while a text holds few of the quotation marks, each
    replaced in one pass."""
    if text.isascii():
        return text.replace("`", "'")
    for mark in _FOLDED.keys() & set(text):
        text = text.replace(mark, _FOLDED[mark])
    return text

# Ellipses marking words left out: [...] / […] (spaces allowed inside the
# brackets), three or more dots (also spaced: ". . ."), one or more "…".
_ELLIPSIS = re.compile(
    r"\[\s*(?:\.\s*){3,}\]"
    r"|\[\s*(?:…\s*)+\]"
    r"|\.(?:\s*\.){2,}"
    r"|…+"
)


def _class_body(cps: set[int]) -> str:
    """Render code points as the body of a regex character class, as ranges."""
    out: list[str] = []
    ordered = sorted(cps)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        lo, hi = re.escape(chr(ordered[i])), re.escape(chr(ordered[j]))
        out.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(out)


def char_classes() -> tuple[str, str]:
    """Return (non-boundary, NFC-unstable) character class bodies.

    Non-boundary: characters before which the text may NOT be cut for
    per-segment NFC. NFC of a concatenation equals the concatenation of the
    NFCs when every cut is made before a character that (a) has canonical
    combining class 0, (b) never composes with a preceding character (is not
    the second part of a canonical pair decomposition, nor a Hangul medial
    vowel or final consonant jamo) and (c) does not decompose into something
    beginning with a non-starter. Over-inclusion is harmless (segments only
    get longer), so the set is built generously.

    NFC-unstable: characters that NFC changes even alone (singleton
    decompositions and composition exclusions such as U+212B ANGSTROM SIGN).
    """
    non_boundary: set[int] = set()
    unstable: set[int] = set()
    for rng in (range(0x30000), range(0xE0000, 0xE1000)):
        for cp in rng:
            ch = chr(cp)
            if unicodedata.combining(ch):
                non_boundary.add(cp)
                continue
            dec = unicodedata.decomposition(ch)
            if dec and not dec.startswith("<"):
                parts = dec.split()
                if len(parts) == 2:
                    non_boundary.add(int(parts[1], 16))
                if unicodedata.combining(unicodedata.normalize("NFD", ch)[0]):
                    non_boundary.add(cp)
                if unicodedata.normalize("NFC", ch) != ch:
                    unstable.add(cp)
    non_boundary.update(range(0x1161, 0x1176))  # Hangul jungseong (V)
    non_boundary.update(range(0x11A8, 0x11C3))  # Hangul jongseong (T)
    return _class_body(non_boundary), _class_body(unstable)


def write_char_classes(path: str | None = None) -> None:
    """Write timeline/check/unicode_classes.py: the classes, computed now."""
    import os
    non_boundary, unstable = char_classes()
    target = path or os.path.join(os.path.dirname(__file__), "unicode_classes.py")
    with open(target, "w", encoding="ascii") as f:
        f.write(_TABLES_DOC)
        f.write(f"\nUNIDATA_VERSION = {unicodedata.unidata_version!r}\n")
        f.write(f"NON_BOUNDARY = {ascii(non_boundary)}\n")
        f.write(f"NFC_UNSTABLE = {ascii(unstable)}\n")


_TABLES_DOC = '''"""Character classes for verify.py, computed by `verify.char_classes()`
from the Unicode database of Python's `unicodedata` (fixed for each Python
version). Computing them takes a good part of a quick rebuild, so they
are kept here; verify.py computes them afresh whenever
`unicodedata.unidata_version` differs. tests/test_verify.py checks them
against a fresh computation. To write this file again:

    python -c "from timeline.check.verify import write_char_classes; write_char_classes()"
"""
'''


def _load_char_classes() -> tuple[str, str]:
    from . import unicode_classes as kept
    if kept.UNIDATA_VERSION == unicodedata.unidata_version:
        return kept.NON_BOUNDARY, kept.NFC_UNSTABLE
    return char_classes()


NB_CLASS, UNSTABLE_CLASS = _load_char_classes()
_ZW_CLASS = _class_body({ord(c) for c in _ZERO_WIDTH})
_FOLD_CLASS = _class_body({ord(c) for c in SINGLE_QUOTES + DOUBLE_QUOTES})
# The source is read as a sequence of tokens, each one of:
#  - "plain": a run of characters that each stand for themselves: no white
#    space, quotation mark to fold, zero-width space, character NFC would
#    change, or character that may combine with the one before it; and the
#    character after the run may not combine with the run's last one;
#  - "space": a run of white space (not followed by a combining character);
#  - "seg": one segment: optional leading zero-width spaces, one character,
#    then every following character before which a cut is unsafe (or a
#    zero-width space). NFC of the text is the concatenation of the NFC of
#    its segments and tokens.
_AFTER = f"(?![{NB_CLASS}{_ZW_CLASS}])"
_TOKEN = re.compile(
    f"(?P<plain>[^\\s{NB_CLASS}{UNSTABLE_CLASS}{_ZW_CLASS}{_FOLD_CLASS}]+){_AFTER}"
    f"|(?P<space>\\s+){_AFTER}"
    f"|(?P<seg>[{_ZW_CLASS}]*[^{_ZW_CLASS}][{NB_CLASS}{_ZW_CLASS}]*|[{_ZW_CLASS}]+)"
)
_HAS_ZW = re.compile(f"[{_ZW_CLASS}]")
_SPACES = re.compile(r"\s+")
# A character that may combine with the one before it, that NFC may change,
# or a zero-width space: a text without any is prepared word by word.
NEEDS_CARE = re.compile(f"[{NB_CLASS}{UNSTABLE_CLASS}{_ZW_CLASS}]")


def needs_care(text: str) -> bool:
    # Each distinct character once: the class is long, and slow to test.
    return any(NEEDS_CARE.match(c) for c in set(text) if not c.isascii())


def normalise(s: str) -> str:
    """Return the canonical form of ``s`` used for comparison.

    Zero-width spaces (U+200B, U+FEFF) are dropped, the text is put in NFC,
    every character of :data:`SINGLE_QUOTES` becomes ``'`` and every
    character of :data:`DOUBLE_QUOTES` becomes ``"``, every run of white
    space (:meth:`str.isspace`: includes NBSP, U+2009, line ends) becomes
    one space, and white space at both ends is removed. Idempotent.
    """
    if s.isascii():
        # Most text: ASCII is already NFC, and of the quotation marks only
        # the grave accent folds. (str.split splits at str.isspace.)
        return " ".join(s.replace("`", "'").split())
    s = unicodedata.normalize("NFC", s.translate(DROP)).translate(FOLD)
    return " ".join(s.split())


def split_pieces(needle: str) -> list[str]:
    """Split a quote or passage at its ellipses into the pieces that must occur.

    Ellipses are ``...`` (three or more dots, also spaced ``. . .``), ``…``
    (U+2026, one or more) and the bracketed ``[...]`` / ``[…]`` (spaces
    allowed inside the brackets). Pieces are returned as written, with white
    space at both ends removed; pieces that are empty after
    :func:`normalise` are dropped. An empty, all-space or ellipsis-only
    needle gives ``[]``.
    """
    return [p.strip() for p in _ELLIPSIS.split(needle) if normalise(p)]


def normalised_pieces(needle: str) -> list[str]:
    """`normalise` of each of `split_pieces(needle)`; with fewer than three
    dots and no ellipsis character there is nothing to split, the usual case."""
    if "…" not in needle and needle.count(".") < 3:
        whole = normalise(needle)
        return [whole] if whole else []
    return [piece for piece in map(normalise, _ELLIPSIS.split(needle)) if piece]


def mark_id(prefix: str, source_id: str, text: str, normalised: str | None = None) -> str:
    """Return a stable id for a cited passage or quote, e.g. ``q-3f2a9c1b``.

    ``prefix + "-"`` + the first 8 hex digits of the SHA-256 of
    ``source_id + "\\n" + normalise(text)`` (UTF-8). The id depends only on
    what is cited, so citations that differ only in white space, quotation
    marks or Unicode normalisation get the same id, and adding a citation
    never changes another one's id. `normalised`: normalise(text), if the
    caller has it already.
    """
    if normalised is None:
        normalised = normalise(text)
    digest = hashlib.sha256(f"{source_id}\n{normalised}".encode("utf-8"))
    return f"{prefix}-{digest.hexdigest()[:8]}"


@dataclass(frozen=True)
class Match:
    """Where a quote or passage was found in a source's original text.

    ``spans`` holds one ``(start, end)`` pair of character offsets
    (``text[start:end]``) into the original text per piece, in order and not
    overlapping. Each span starts and ends on a non-space character, and
    ``normalise(text[start:end])`` equals ``normalise(piece)``.
    """

    spans: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        """Start offset of the first piece."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """End offset (exclusive) of the last piece."""
        return self.spans[-1][1]


class SourceText:
    """A source's text prepared once for many look-ups.

    Preparation is linear in the length of the text. It builds the
    normalised text (equal to ``normalise(text)``) together with, for every
    normalised character, the range of the original text it came from, so
    each look-up is a few :meth:`str.find` calls on the normalised text:
    the i-th normalised character came from ``text[starts[i]:ends[i]]``.
    """

    __slots__ = ("text", "normalised", "_starts", "_ends", "_words")

    text: str
    normalised: str
    _starts: list[int] | None
    _ends: list[int] | None
    # a plainly prepared text's words: where each starts in the normalised
    # text and in the text, and its length (None: prepared in general)
    _words: tuple[list[int], list[int], list[int]] | None

    def __init__(self, text: str) -> None:
        self.text = text
        if text.isascii() or not needs_care(text):
            self.prepare_plain(text)
        else:
            self.prepare_general(text)

    def prepare_plain(self, text: str) -> None:
        """What `prepare_general` makes of a text in which no character composes,
        combines, is dropped or changes under NFC (all ASCII text, and most
        other): the words joined by one space, each quotation mark folded to
        its one-character stand-in (tests/test_verify.py compares the two).
        Every normalised character then comes from one character of a word,
        or is the space standing for the white space after a word, so where
        each came from is kept per word, not per character: a source is
        prepared in every process that verifies against it, and the lists
        of `starts` and `ends` (made only if asked for) cost more than the
        rest of the preparation."""
        words = text.split()
        self.normalised = fold_quotes(" ".join(words))
        self._starts = self._ends = None
        lengths = list(map(len, words))
        gaps = list(map(len, _SPACES.findall(text)))
        leading = bool(text) and text[0].isspace()
        between = gaps[1:len(words)] if leading else gaps[:len(words) - 1]
        # word k is text[first[k]:first[k] + lengths[k]], and normalised[at[k]:...]
        first = list(accumulate(map(add, lengths, between), initial=gaps[0] if leading else 0))
        at = list(accumulate(map(add, lengths, repeat(1)), initial=0))
        self._words = (at, first, lengths) if words else ([], [], [])

    @property
    def starts(self) -> list[int]:
        """Where in the text each normalised character starts."""
        if self._starts is None:
            self._expand()
        assert self._starts is not None
        return self._starts

    @property
    def ends(self) -> list[int]:
        """Where in the text each normalised character ends."""
        if self._ends is None:
            self._expand()
        assert self._ends is not None
        return self._ends

    def _expand(self) -> None:
        """`starts` and `ends` of a plainly prepared text, character by character."""
        assert self._words is not None
        _, first, lengths = self._words
        if not first:
            self._starts, self._ends = [], []
            return
        # A word's characters, then the one space standing for the white
        # space after it (from the word's end to the next word's start).
        past = list(map(add, map(add, first, lengths), repeat(1)))
        starts = list(chain.from_iterable(map(range, first, past)))
        starts.pop()   # no space after the last word
        ends = list(chain.from_iterable(chain.from_iterable(zip(map(range, map(add, first, repeat(1)), past),
                                                                zip(first[1:])))))
        ends.extend(range(first[-1] + 1, past[-1]))
        self._starts, self._ends = starts, ends

    def start_at(self, i: int) -> int:
        """`starts[i]`, without the list for a plainly prepared text."""
        if self._words is None:
            return self.starts[i]
        at, first, lengths = self._words
        k = bisect_right(at, i) - 1
        offset = i - at[k]
        return first[k] + offset if offset < lengths[k] else first[k] + lengths[k]

    def end_at(self, i: int) -> int:
        """`ends[i]`, without the list for a plainly prepared text."""
        if self._words is None:
            return self.ends[i]
        at, first, lengths = self._words
        k = bisect_right(at, i) - 1
        offset = i - at[k]
        return first[k] + offset + 1 if offset < lengths[k] else first[k + 1]

    def prepare_general(self, text: str) -> None:
        """The preparation of any text, token by token."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        ws_start = -1  # original start of a pending white-space run
        ws_end = -1
        nfc = unicodedata.normalize
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            s, e = m.span()
            if kind == "space":
                if ws_start < 0:
                    ws_start = s
                ws_end = e
                continue
            if kind == "plain":
                if ws_start >= 0:
                    if chars:  # leading white space is dropped
                        chars.append(" ")
                        starts.append(ws_start)
                        ends.append(ws_end)
                    ws_start = -1
                chars.append(m.group())
                starts.extend(range(s, e))
                ends.extend(range(s + 1, e + 1))
                continue
            seg = m.group()
            if seg.isascii():  # one character
                out = seg.translate(FOLD)
            else:
                if _HAS_ZW.search(seg):
                    core = seg.lstrip(_ZERO_WIDTH)
                    s += len(seg) - len(core)
                    seg = core.rstrip(_ZERO_WIDTH)
                    e -= len(core) - len(seg)
                    if not seg:
                        continue
                if seg[0].isspace() and len(seg) > 1:
                    # White space followed by combining characters: the
                    # white space composes with nothing, so it stands alone
                    # and a span never starts with it.
                    if ws_start < 0:
                        ws_start = s
                    ws_end = s + 1
                    rest = seg[1:]
                    seg = rest.lstrip(_ZERO_WIDTH)
                    s += 1 + len(rest) - len(seg)
                out = nfc("NFC", seg.translate(DROP)).translate(FOLD)
            for ch in out:
                if ch.isspace():
                    if ws_start < 0:
                        ws_start = s
                    ws_end = e
                    continue
                if ws_start >= 0:
                    if chars:  # leading white space is dropped
                        chars.append(" ")
                        starts.append(ws_start)
                        ends.append(ws_end)
                    ws_start = -1
                chars.append(ch)
                starts.append(s)
                ends.append(e)
        # trailing white space is dropped
        self.normalised = "".join(chars)
        self._starts = starts
        self._ends = ends
        self._words = None

    def __repr__(self) -> str:
        return f"SourceText({len(self.text)} chars)"

    def _aligned(self, i: int) -> bool:
        """Whether normalised position ``i`` is a cut between source segments."""
        return i == 0 or i == len(self.starts) or self.starts[i] != self.starts[i - 1]

    def find_piece(self, piece: str, pos: int) -> int:
        """Leftmost occurrence of normalised ``piece`` at or after ``pos``
        that begins and ends on segment boundaries, or -1."""
        hay = self.normalised
        i = hay.find(piece, pos)
        if self._words is not None:
            return i   # a plainly prepared text: every character is a segment of its own
        starts = self.starts
        last = len(starts)
        # _aligned at both ends, written out: this runs for every citation.
        while i >= 0:
            j = i + len(piece)
            if (i == 0 or i == last or starts[i] != starts[i - 1]) and \
                    (j == 0 or j == last or starts[j] != starts[j - 1]):
                return i
            i = hay.find(piece, i + 1)
        return i

    def find(self, needle: str) -> Match | None:
        """Find a quote or passage in the text.

        The needle is split at its ellipses (:func:`split_pieces`); each
        piece must occur, after :func:`normalise`, in order and without
        overlapping the previous one. Each piece is taken at its leftmost
        occurrence after the previous piece (greedy, which finds a match
        whenever one exists). Returns ``None`` when some piece does not
        occur, or when the needle has no piece (empty, only white space or
        only ellipses).
        """
        return self.find_pieces(normalised_pieces(needle))

    def find_pieces(self, pieces: list[str]) -> Match | None:
        """`find` of a needle already cut into `normalised_pieces`."""
        if not pieces:
            return None
        spans: list[tuple[int, int]] = []
        pos = 0
        for piece in pieces:
            i = self.find_piece(piece, pos)
            if i < 0:
                return None
            j = i + len(piece)
            spans.append((self.start_at(i), self.end_at(j - 1)))
            pos = j
        return Match(tuple(spans))

    def __contains__(self, needle: str) -> bool:
        return self.find(needle) is not None


def _is_blank(line: str) -> bool:
    return not line.translate(DROP).strip()


def paragraphs(text: str) -> list[tuple[int, int, int]]:
    """Split an archived text into paragraphs (CONTRACT section 2).

    Paragraphs are separated by blank lines (a line holding only white
    space, or zero-width spaces / a byte-order mark, is blank). In a text
    where no blank line stands between two non-blank lines, each non-blank
    line is a paragraph. Returns ``(start, end, first_line)`` per paragraph
    in order: ``text[start:end]`` is the paragraph without the line end
    after its last line (a leading byte-order mark is skipped), and
    ``first_line`` is the 1-based number of its first line (see
    :func:`line_spans`).
    """
    lines = line_spans(text)
    blank = [_is_blank(text[s:e]) for s, e in lines]
    content = [n for n, b in enumerate(blank) if not b]
    if not content:
        return []
    separated = any(blank[content[0]:content[-1]])
    result: list[tuple[int, int, int]] = []
    for first, last in _runs(content, separated):
        start = lines[first][0]
        if start == 0 and text.startswith("\ufeff"):
            start = len(text) - len(text.lstrip("\ufeff"))
        result.append((start, lines[last][1], first + 1))
    return result


def _runs(content: list[int], separated: bool) -> Iterator[tuple[int, int]]:
    """Group indices of non-blank lines into (first, last) paragraphs."""
    if not separated:
        for n in content:
            yield n, n
        return
    first = prev = content[0]
    for n in content[1:]:
        if n != prev + 1:
            yield first, prev
            first = n
        prev = n
    yield first, prev
