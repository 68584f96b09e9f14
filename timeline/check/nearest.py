"""Why a quote or passage was not found: the stretch of the source nearest
to it, and the words where the two part, so that a one-word slip in a long
article is found at a glance.

Words are compared as the matching rules (verify.py) read them: on the
normalised text, where every quotation mark is already one of two, and with
the punctuation around a word (a quotation mark, a comma, a full stop) a
token of its own, so that `reopen` in `"We will reopen` is the word
`reopen`, and a quote that leaves out the source's quotation marks parts
from it where its words do."""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .verify import SourceText, normalised_pieces

# Words this common in a text say nothing of where a quote sits in it.
_TOO_COMMON = 200


@dataclass(frozen=True)
class Miss:
    """What is wrong with a needle that a source does not hold."""

    piece: int                  # which piece (1-based) of how many
    pieces: int
    out_of_order: bool          # every piece is there, but not in this order
    nearest: str | None = None  # the source's words nearest the missing piece, as it has them
    offset: int = 0             # where they start in the source text
    parted_at: tuple[str, str] | None = None   # (the needle's words, the source's) where they first differ
    needle_word: int = 0        # the word (counted by white space from 0) of the piece where they part
    nearest_word: int = 0       # the same word of `nearest`


def _is_mark(ch: str) -> bool:
    """Punctuation and symbols: what stands around a word, not in it."""
    return unicodedata.category(ch)[0] in "PS"


def tokens(text: str) -> list[tuple[str, int]]:
    """(token, offset) of each word and each mark around a word in a
    normalised text: `"We` is `"` and `We`; `3,500` and `don't` stay whole."""
    out: list[tuple[str, int]] = []
    pos = 0
    for chunk in text.split(" "):
        start, end = 0, len(chunk)
        while start < end and _is_mark(chunk[start]):
            out.append((chunk[start], pos + start))
            start += 1
        trail: list[tuple[str, int]] = []
        while end > start and _is_mark(chunk[end - 1]):
            end -= 1
            trail.append((chunk[end], pos + end))
        if start < end:
            out.append((chunk[start:end], pos + start))
        out.extend(reversed(trail))
        pos += len(chunk) + 1
    return out


class WordIndex:
    """A source's normalised tokens and where each occurs: made once per
    source, when its first miss is explained."""

    def __init__(self, text: SourceText):
        self.text = text
        found = tokens(text.normalised)
        self.words: list[str] = [t for t, _ in found]
        self.at: list[int] = [at for _, at in found]     # offset of each token in the normalised text
        self.where: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.where.setdefault(word, []).append(i)

    def nearest(self, wanted: list[str]) -> int | None:
        """The first token of the stretch most like the tokens `wanted`."""
        votes: Counter[int] = Counter()
        for j, word in enumerate(wanted):
            places = self.where.get(word, ())
            if len(places) <= _TOO_COMMON:
                votes.update(p - j for p in places)
        best, best_score = None, 0
        for start, _ in votes.most_common(8):
            start = max(0, start)
            window = self.words[start:start + len(wanted)]
            score = sum(a == b for a, b in zip(window, wanted))
            if score > best_score:
                best, best_score = start, score
        return best


def explain(text: SourceText, index: WordIndex, needle: str) -> Miss | None:
    """Why `needle` is not in `text` (None if it is, or has no words)."""
    pieces = normalised_pieces(needle)
    pos = 0
    for k, piece in enumerate(pieces):
        i = text.find_piece(piece, pos)
        if i >= 0:
            pos = i + len(piece)
            continue
        if len(pieces) > 1 and text.find_piece(piece, 0) >= 0:
            return Miss(k + 1, len(pieces), True)
        return _nearest(text, index, piece, k + 1, len(pieces))
    return None


def _nearest(text: SourceText, index: WordIndex, piece: str, k: int, pieces: int) -> Miss:
    found = tokens(piece)
    wanted = [t for t, _ in found]
    start = index.nearest(wanted)
    if start is None:
        return Miss(k, pieces, False)
    # A window a little wider than the piece, aligned with it token by
    # token: what the source has before or after the piece is not a
    # difference, only what it has in its place.
    slack = 3 + len(wanted) // 4
    lo, hi = max(0, start - slack), min(len(index.words), start + len(wanted) + slack)
    window = index.words[lo:hi]
    ops = difflib.SequenceMatcher(None, wanted, window, autojunk=False).get_opcodes()
    while ops and ops[0][0] == "insert":
        ops.pop(0)
    while ops and ops[-1][0] == "insert":
        ops.pop()
    if not ops:
        return Miss(k, pieces, False)
    ops = _trim_ends(ops)
    first_j, last_j = ops[0][3], max(ops[0][3] + 1, ops[-1][4])

    def source_text(j1: int, j2: int) -> tuple[str, int]:
        """The source's own text of window tokens j1 to j2, and its offset."""
        begin = index.at[lo + j1]
        last = lo + j2 - 1
        end = index.at[last] + len(index.words[last])
        start = text.start_at(begin)
        return text.text[start:text.end_at(end - 1)], start

    original, offset = source_text(first_j, last_j)
    parted = _parting(ops, len(wanted), len(window))
    if parted is None:
        return Miss(k, pieces, False, original, offset)
    (i1, i2), (j1, j2) = parted
    mine = piece[found[i1][1]:found[i2 - 1][1] + len(found[i2 - 1][0])] if i2 > i1 else ""
    theirs, at = source_text(j1, j2) if j2 > j1 else ("", offset + len(original))
    needle_word = piece[:found[min(i1, len(found) - 1)][1]].count(" ")
    before = original[:at - offset]
    nearest_word = len(before.split()) - (1 if before and not before[-1].isspace() else 0)
    return Miss(k, pieces, False, original, offset, (mine, theirs), needle_word, max(0, nearest_word))


def _trim_ends(ops: list) -> list:
    """A replacement at either end that takes more of the source than of
    the needle takes only as much: the source's words before or after the
    piece are not part of the difference."""
    tag, i1, i2, j1, j2 = ops[0]
    if tag == "replace" and j2 - j1 > i2 - i1:
        ops[0] = (tag, i1, i2, j2 - (i2 - i1), j2)
    tag, i1, i2, j1, j2 = ops[-1]
    if tag == "replace" and j2 - j1 > i2 - i1:
        ops[-1] = (tag, i1, i2, j1, j1 + (i2 - i1))
    return ops


def _parting(ops: list, n_wanted: int, n_window: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The needle's tokens and the window's where they first differ, as
    ranges; where one side has nothing there, the word after the gap is
    taken on both sides, so that each shows some words."""
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag == "delete":   # the needle has words the source lacks there
            return (i1, min(n_wanted, i2 + 1)), (j1, min(n_window, j1 + 1))
        if tag == "insert":   # the source has words the needle leaves out here
            return (i1, min(n_wanted, i1 + 1)), (j1, min(n_window, j2 + 1))
        return (i1, i2), (j1, j2)
    return None
