"""The timeline as data: what timeline.json and the search index say of
each entry. Computed once per entry, where the entry is checked (in a worker
process, and then kept in the build cache), so that assembling the two files
is a matter of joining strings."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from .entry import Entry, Quote
from .schema import to_data

# Accents, and the vowel points of Hebrew and Arabic (written now and then,
# never typed into a search box): static/search.js folds the same marks.
_ACCENTS = re.compile("[\u0300-\u036f\u0591-\u05bd\u05bf-\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]+")


# One encoder for all: json.dumps with options makes a new one every call,
# which costs more than encoding a small value. What it encodes is made of
# fresh lists and dicts, never circular, so the check for cycles is skipped.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def to_json(value: object) -> str:
    """Compact JSON, UTF-8 text as it is."""
    return _ENCODER.encode(value)


def js_safe(json_text: str) -> str:
    """JSON made safe to embed in a script: old JavaScript engines end a
    string at U+2028/U+2029."""
    return json_text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def entry_json(e: Entry) -> str:
    """The entry's object in timeline.json: its JSON fields as model.Entry
    declares them; every url relative to the site root."""
    return to_json(to_data(e))


def fold(text: str) -> str:
    """What static/search.js does to text before comparing: no accents, lower case."""
    if text.isascii():
        return text.lower()  # nothing to decompose: most text, at a fraction of the cost
    return _ACCENTS.sub("", unicodedata.normalize("NFD", text)).lower()


def search_words(body_text: str, quotes: list[Quote]) -> str:
    """An entry's body (as plain text), quotes and speakers as distinct
    folded words: all the search needs of them, in far fewer bytes."""
    text = " ".join([body_text, *(q.text for q in quotes), *(q.by for q in quotes)])
    return " ".join(dict.fromkeys(fold(text).split()))


def outline(path: str, front_matter: str) -> str:
    """Digest of the entry's path and front matter. Everything the site
    shows of an entry outside its own page, its card, its feed summary and
    its pieces of timeline.json and the search index comes from these: its
    place in the order, the lists it is on, the marks it makes on source
    pages, its figures. So an edit that keeps the outline can be rebuilt by
    redoing just those (see quick.py). Some front matter shows only in
    those too (corrections, extra): an edit of it is rebuilt in full, which
    is slower but never wrong, and digesting the text costs far less than
    digesting what was read from it."""
    return hashlib.blake2b(f"{path}\0{front_matter}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
