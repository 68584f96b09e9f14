"""Why a quote or passage was not found: the stretch of the source nearest
to it, and the first word where the two part, so that a one-word slip in a
long article is found at a glance."""

from __future__ import annotations

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
    parted_at: tuple[str, str] | None = None   # (the needle's word, the source's) where they first differ


class WordIndex:
    """A source's normalised words and where each occurs: made once per
    source, when its first miss is explained."""

    def __init__(self, text: SourceText):
        self.text = text
        self.words: list[str] = []
        self.at: list[int] = []          # offset of each word in the normalised text
        pos = 0
        for word in text.normalised.split(" "):
            self.words.append(word)
            self.at.append(pos)
            pos += len(word) + 1
        self.where: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.where.setdefault(word, []).append(i)

    def nearest(self, piece: str) -> tuple[int, int] | None:
        """(first word, word count) of the stretch most like `piece`."""
        wanted = piece.split(" ")
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
        if best is None:
            return None
        return best, min(len(wanted), len(self.words) - best)


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
        found = index.nearest(piece)
        if found is None:
            return Miss(k + 1, len(pieces), False)
        start, count = found
        first = index.at[start]
        last_word = start + count - 1
        end = index.at[last_word] + len(index.words[last_word])
        original = text.text[text.starts[first]:text.ends[end - 1]]
        wanted = piece.split(" ")
        parted = next(((a, b) for a, b in zip(wanted, index.words[start:start + count]) if a != b), None)
        if parted is None and len(wanted) > count:
            parted = (wanted[count], "")
        return Miss(k + 1, len(pieces), False, original, text.starts[first], parted)
    return None
