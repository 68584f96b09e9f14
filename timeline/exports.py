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

import icalendar
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
# Markup between words: a tag that ends a block or a line stands for a space.
_BREAK = re.compile(r"<(?:/(?:p|li|h[1-6]|blockquote|td|th|dd|dt|div)|br\s*/?)>")
# What is not the body's prose: footnote marks and notes, tables, code.
_NOT_PROSE = re.compile(r'<sup class="footnote-ref">.*?</sup>|<section class="footnotes">.*?</section>'
                        r"|<table>.*?</table>|<pre>.*?</pre>", re.S)
_SENTENCE_END = re.compile(r"[.!?…。]['\"’”)\]]*\s")


def plain_text(html_text: str) -> str:
    """Rendered HTML as its words."""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", html_text))).split())


def summary(html_text: str, limit: int = 200) -> str:
    """The first sentences of a rendered body's prose, up to about `limit`
    characters: a page's description, a calendar event's."""
    text = plain_text(_NOT_PROSE.sub(" ", html_text)) or plain_text(html_text)
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


# ---- iCalendar ----

def _host(settings: Settings) -> str:
    return (urlsplit(settings.base_url).hostname if settings.base_url else None) or "timeline"


def _last_day(d: PartialDate) -> Date:
    """The last calendar day a date can mean, as written."""
    if d.day is not None:
        return Date(d.year, d.month, d.day)
    if d.month is not None:
        following = Date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return Date(d.year, 12, 31)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def ics_event(e: Entry, settings: Settings) -> icalendar.Event | None:
    """An entry as a VEVENT, or None when it is dated only to a month or a
    year (a calendar has no such events)."""
    if e.draft or e.date.day is None:
        return None
    event = icalendar.Event()
    event.add("uid", f"{e.slug}@{_host(settings)}")
    # From the entry, not the clock, so that a rebuild writes the same bytes.
    event.add("dtstamp", _utc((e.updated or e.date).start()))
    if e.date.hour is None:
        event.add("dtstart", Date(e.date.year, e.date.month, e.date.day))
        event.add("dtend", _last_day(e.end or e.date) + timedelta(days=1))   # exclusive
    else:
        event.add("dtstart", _utc(e.date.start()))
        if e.end is not None:
            # A time ends at that time; a coarser end at the end of its day, month or year.
            end = e.end.start() if e.end.hour is not None else e.end.last() + timedelta(microseconds=1)
            event.add("dtend", _utc(end))
    event.add("summary", e.title)
    text = summary(e.body_html, 500)
    event.add("description", (text + "\n\n" if text else "") + link(e.href, settings))
    if e.place:
        event.add("location", e.place)
    if e.tags:
        event.add("categories", e.tags)
    if settings.base_url:
        event.add("url", settings.base_url + e.href)
    return event


def ics_piece(e: Entry, sources: Sources, settings: Settings) -> str:
    event = ics_event(e, settings)
    return "" if event is None else event.to_ical().decode("utf-8")


def timeline_ics(t: Timeline) -> bytes:
    """One VEVENT an entry dated at least to the day (RFC 5545)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//sourced-timeline//NONSGML timeline export//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t.settings.title)
    for e in published(t.entries):
        event = ics_event(e, t.settings)
        if event is not None:
            calendar.add_component(event)
    return calendar.to_ical()


# The pieces of each file that hold one entry: (path, piece of an entry).
# The quick rebuild replaces an edited entry's old piece by its new one.
PieceFn = Callable[[Entry, Sources, Settings], str]
ENTRY_PIECES: list[tuple[str, PieceFn]] = [
    ("timelinejs.json", tljs_piece),
    ("timelinejs.js", lambda e, sources, settings: js_safe(tljs_piece(e, sources, settings))),
    ("timeline.ics", ics_piece),
]
