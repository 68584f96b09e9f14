"""The timeline in the formats other programs read: TimelineJS's JSON (and
the same as a script), iCalendar, and spreadsheets (CSV).

Each file is the join of one piece per entry, and each piece is a function
of the entry, the sources and the settings alone: so the quick rebuild can
replace an edited entry's piece in a file without making the file again
(`ENTRY_PIECES`)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date as Date, datetime, timedelta, timezone
from typing import Callable
from urllib.parse import urlsplit

from markupsafe import escape

from .data import js_safe, to_json
from .dates import PartialDate
from .markup import ROOT
from .model import Entry, Timeline
from .settings import Era, Settings
from .sources import Source

Sources = dict[str, Source]


def link(path: str, settings: Settings) -> str:
    """A link into the site from a file at its root: relative, or absolute
    under `base_url` when it is set."""
    return (settings.base_url or "") + path


def rooted_html(html_text: str, settings: Settings) -> str:
    """Rendered Markdown with its links made from the site's root."""
    return html_text.replace(ROOT, settings.base_url or "")


def published(entries: list[Entry]) -> list[Entry]:
    """The entries the exports hold: drafts (shown only under --drafts) are
    not published."""
    return [e for e in entries if not e.draft]


# ---- summaries ----

_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"[.!?…。]['\"’”)\]]*\s")


def plain_text(html_text: str) -> str:
    """Rendered HTML as its words."""
    return " ".join(html.unescape(_TAG.sub(" ", html_text)).split())


def summary(html_text: str, limit: int = 200) -> str:
    """The first sentences of a rendered body, up to about `limit`
    characters: a page's description, a calendar event's."""
    text = plain_text(html_text)
    if len(text) <= limit:
        return text
    cut = 0
    for m in _SENTENCE_END.finditer(text + " "):
        if m.end() - 1 > limit:
            break
        cut = m.end() - 1
    if cut:
        return text[:cut].rstrip()
    words = text[:limit].rsplit(" ", 1)[0]
    return words.rstrip(",;:") + "…"


# ---- TimelineJS ----

def _tljs_date(d: PartialDate) -> dict:
    """A TimelineJS date object at the date's precision, the time as written."""
    out: dict = {"year": d.year}
    for name in ("month", "day", "hour", "minute", "second"):
        value = getattr(d, name)
        if value is not None:
            out[name] = value
    return out


def tljs_event(e: Entry, sources: Sources, settings: Settings) -> dict:
    """An entry as a TimelineJS slide: its body, quotes and links in the text."""
    parts = [rooted_html(e.body_html, settings).strip()] if e.body_html else []
    for q in e.quotes:
        parts.append(f'<blockquote><p>{escape(q.text)}</p><p>— {escape(q.by)}, as reported by '
                     f'<a href="{escape(link(q.link, settings))}">{escape(sources[q.source].publisher)}</a></p>'
                     "</blockquote>")
    cited = ", ".join(f'<a href="{escape(link(sources[sid].href, settings))}">{escape(sources[sid].publisher)}</a>'
                      for sid in e.cited_sources())
    parts.append(f'<p><a href="{escape(link(e.href, settings))}">The entry and its sources</a>'
                 + (f" · Sources: {cited}" if cited else "") + "</p>")
    event: dict = {"start_date": _tljs_date(e.date)}
    if e.end is not None:
        event["end_date"] = _tljs_date(e.end)
    if e.display_date:
        event["display_date"] = e.display_date
    event["text"] = {"headline": str(escape(e.title)), "text": "\n".join(parts)}
    if e.media:
        m = e.media[0]
        media = {"url": link(m.site_path, settings) if m.site_path else m.url}
        for name in ("caption", "credit", "alt"):
            value = getattr(m, name)
            if value:
                media[name] = value if name == "alt" else str(escape(value))
        event["media"] = media
    if e.group:
        event["group"] = e.group
    event["unique_id"] = e.slug
    return event


def tljs_piece(e: Entry, sources: Sources, settings: Settings) -> str:
    return "" if e.draft else to_json(tljs_event(e, sources, settings))


def _tljs_era(era: Era) -> dict:
    return {"start_date": _tljs_date(era.date), "end_date": _tljs_date(era.end),
            "text": {"headline": str(escape(era.title))}}


def timelinejs_json(t: Timeline) -> str:
    """The timeline in TimelineJS3's JSON, one event a line."""
    settings = t.settings
    title = {"text": {"headline": str(escape(settings.title)), "text": rooted_html(t.intro_html, settings).strip()}}
    events = ",\n".join(tljs_piece(e, t.sources, settings) for e in published(t.entries))
    eras = to_json([_tljs_era(era) for era in settings.eras])
    return '{"title":' + to_json(title) + ',"events":[\n' + events + '\n],"eras":' + eras + "}"


def timelinejs_json_bytes(t: Timeline) -> bytes:
    return (timelinejs_json(t) + "\n").encode("utf-8")


def timelinejs_js_bytes(t: Timeline) -> bytes:
    """The same object as a classic script: a page opened from disk may
    not fetch a file, but it may load a script."""
    return js_safe("window.TIMELINE_JSON = " + timelinejs_json(t) + ";\n").encode("utf-8")


# The pieces of each file that hold one entry: (path, piece of an entry).
# The quick rebuild replaces an edited entry's old piece by its new one.
PieceFn = Callable[[Entry, Sources, Settings], str]
ENTRY_PIECES: list[tuple[str, PieceFn]] = [
    ("timelinejs.json", tljs_piece),
    ("timelinejs.js", lambda e, sources, settings: js_safe(tljs_piece(e, sources, settings))),
]
