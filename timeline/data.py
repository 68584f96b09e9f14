"""The timeline as data: what timeline.json and the search index say of
each entry. Computed once per entry, where the entry is checked (in a worker
process, and then kept in the build cache), so that assembling the two files
is a matter of joining strings."""

from __future__ import annotations

import json
import re
import unicodedata

from .model import Entry, Quote

_ACCENTS = re.compile("[\u0300-\u036f]+")


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def entry_json(e: Entry) -> str:
    """The entry's object in timeline.json; every url relative to the site root."""
    return to_json({
        "slug": e.slug, "title": e.title, "date": e.date.iso(),
        "end": e.end.iso() if e.end else None, "precision": e.date.precision,
        "approximate": e.approximate, "place": e.place, "tags": e.tags, "people": e.people,
        "url": e.href,
        "sources": [{"id": c.source, "passage": c.passage, "url": c.link} for c in e.sources],
        "quotes": [{"text": q.text, "by": q.by, "source": q.source, "url": q.link} for q in e.quotes],
        "figures": [{
            "what": x.what, "value": x.value, "qualifier": x.qualifier, "unit": x.unit,
            "label": x.label, "according_to": x.according_to, "source": x.source,
            "passage": x.passage, "url": x.link,
        } for x in e.figures],
        "updated": e.updated.iso() if e.updated else None,
        "corrections": [{"date": c.date.iso(), "text": c.text} for c in e.corrections],
        "draft": e.draft, "extra": e.extra,
    })


def fold(text: str) -> str:
    """What static/search.js does to text before comparing: no accents, lower case."""
    return _ACCENTS.sub("", unicodedata.normalize("NFD", text)).lower()


def search_words(body_text: str, quotes: list[Quote]) -> str:
    """An entry's body (as plain text), quotes and speakers as distinct
    folded words: all the search needs of them, in far fewer bytes."""
    text = " ".join([body_text, *(q.text for q in quotes), *(q.by for q in quotes)])
    return " ".join(dict.fromkeys(fold(text).split()))
