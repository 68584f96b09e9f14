"""The timeline in the formats other programs read: TimelineJS's JSON (and
the same as a script), iCalendar, and spreadsheets (CSV).

Each file is declared as a `pieces.EntryFile` (`entry_files`): a head, one
piece per entry, made from the entry, the sources and the settings alone,
and a foot; so a rebuild makes again only the pieces of changed entries."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta, timezone
from typing import Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..read.data import js_safe, to_json
from ..read.dates import PartialDate
from ..read.i18n import Language, escaped as _escaped, localized
from ..check.markup import ROOT
from ..read.entry import Entry
from ..model.timeline import Timeline
from ..read.names import href
from .pieces import Around, EntryFile, Output, whole
from ..read.settings import Era, Settings
from ..read.sources import Source

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


# ---- JSON-LD ----

def json_ld(e: Entry, sources: Sources, settings: Settings, root: str, lang: Language | None = None,
            parts: StructuredData | None = None) -> Markup:
    """An entry page's structured data (schema.org): an Article about an
    Event, citing each source as a NewsArticle (its archived page in the
    site `archivedAt`) and each quote as a Quotation based on its source.
    Links are from the page (`root`), or absolute under base_url; the
    body's own words (a table's label) in `lang`. `parts`: what the pages
    of one renderer share, made once (StructuredData)."""
    parts = parts or StructuredData(lang)
    base = settings.base_url or root
    citations = [parts.source(sources[sid], base) for sid in e.cited_sources()]
    for q in e.quotes:
        citations.append(to_json({"@type": "Quotation", "text": q.text,
                                  "spokenByCharacter": {"@type": "Person", "name": q.by},
                                  "isBasedOn": {"@id": base + sources[q.source].href}, "url": base + q.link}))
    event: dict = {"@type": "Event", "name": e.title, "startDate": e.date.iso()}
    if e.end is not None:
        event["endDate"] = e.end.iso()
    if e.place:
        event["location"] = {"@type": "Place", "name": e.place}
    data: dict = {"@context": "https://schema.org", "@type": "Article", "headline": e.title,
                  "inLanguage": settings.language}
    text = parts.summary(e.body_html)
    if text:
        data["description"] = text
    if settings.base_url:
        data["url"] = settings.base_url + e.href
        image = next((m.site_path for m in e.media if m.site_path), None)
        if image:
            data["image"] = settings.base_url + href(image)
    if e.updated:
        data["dateModified"] = e.updated.iso()
    data["about"] = event
    # The citations last, as JSON already made: a source's is the same on
    # every page that cites it.
    whole = to_json(data)[:-1] + ',"citation":[' + ",".join(citations) + "]}"
    # Inside <script>: no "</script>" or "<!--" can end or change it.
    return Markup(js_safe(whole).replace("<", "\\u003c"))


class StructuredData:
    """What json_ld makes the same for many pages, made once per renderer:
    each source's citation (by the source object and the page's base),
    and each body's summary, which an entry page asks for twice (its
    description and its structured data's) and the embed page once more."""

    def __init__(self, lang: Language | None) -> None:
        self.lang = lang
        self._sources: dict[str, tuple[Source, str, str]] = {}
        self._summaries: dict[tuple[str, int], str] = {}

    def summary(self, html_text: str, limit: int = 200) -> str:
        """summary() of the body in the language."""
        key = (html_text, limit)
        text = self._summaries.get(key)
        if text is None:
            text = self._summaries[key] = summary(localized(html_text, self.lang), limit)
        return text

    def source(self, s: Source, base: str) -> str:
        """A source's citation as JSON."""
        kept = self._sources.get(s.id)
        # The source object itself is kept, so a new one (the next build's)
        # is never taken for it.
        if kept is not None and kept[0] is s and kept[1] == base:
            return kept[2]
        article = {"@type": "NewsArticle", "@id": base + s.href, "headline": s.title,
                   "publisher": {"@type": "Organization", "name": s.publisher},
                   "datePublished": s.published.iso()}
        if s.author:
            article["author"] = {"@type": "Person", "name": s.author}
        if s.url:
            article["url"] = s.url
        article["archivedAt"] = base + s.href
        text = to_json(article)
        self._sources[s.id] = (s, base, text)
        return text


# ---- TimelineJS ----

def _tljs_date(d: PartialDate) -> dict:
    """A TimelineJS date object at the date's precision, the time as written."""
    out: dict = {"year": d.year}
    for name in ("month", "day", "hour", "minute", "second"):
        value = getattr(d, name)
        if value is not None:
            out[name] = value
    return out


def tljs_event(e: Entry, sources: Sources, settings: Settings, lang: Language) -> dict:
    """An entry as a TimelineJS slide: its body, quotes and links in the
    text, its words in the site's language."""
    parts = [localized(rooted_html(e.body_html, settings), lang).strip()] if e.body_html else []
    for q in e.quotes:
        publisher = Markup(f'<a href="{_escaped(link(q.link, settings))}">{_escaped(sources[q.source].publisher)}</a>')
        parts.append(f'<blockquote><p>{_escaped(q.text)}</p><p>— {lang.t("quote.by", by=q.by, publisher=publisher)}'
                     "</p></blockquote>")
    cited = str(lang.t("list.separator")).join([
        f'<a href="{_escaped(link(sources[sid].href, settings))}">{_escaped(sources[sid].publisher)}</a>'
        for sid in e.cited_ids])
    parts.append(f'<p><a href="{_escaped(link(e.href, settings))}">{lang.t("export.entry_link")}</a>'
                 + (f" · {lang.t('entry.sources')}{cited}" if cited else "") + "</p>")
    event: dict = {"start_date": _tljs_date(e.date)}
    if e.end is not None:
        event["end_date"] = _tljs_date(e.end)
    if e.display_date:
        event["display_date"] = e.display_date
    event["text"] = {"headline": _escaped(e.title), "text": "\n".join(parts)}
    if e.media:
        m = e.media[0]
        media = {"url": link(m.site_path, settings) if m.site_path else m.url}
        for name in ("caption", "credit", "alt"):
            value = getattr(m, name)
            if value:
                media[name] = value if name == "alt" else _escaped(value)
        event["media"] = media
    if e.group:
        event["group"] = e.group
    event["unique_id"] = e.slug
    return event


def tljs_piece(e: Entry, sources: Sources, settings: Settings, lang: Language) -> str:
    return "" if e.draft else to_json(tljs_event(e, sources, settings, lang))


def _tljs_era(era: Era) -> dict:
    return {"start_date": _tljs_date(era.date), "end_date": _tljs_date(era.end),
            "text": {"headline": str(escape(era.title))}}


def _tljs_head(t: Timeline, shared: None) -> str:
    settings = t.settings
    title = {"text": {"headline": str(escape(settings.title)), "text": rooted_html(t.intro_html, settings).strip()}}
    return '{"title":' + to_json(title) + ',"events":[\n'


def _tljs_foot(t: Timeline, shared: None) -> str:
    return '\n],"eras":' + to_json([_tljs_era(era) for era in t.settings.eras]) + "}"


def _tljs_entry(e: Entry, a: Around) -> str | None:
    return None if e.draft else to_json(tljs_event(e, a.sources, a.settings, a.language))


# The timeline in TimelineJS3's JSON, one event a line; and the same object
# as a classic script: a page opened from disk may not fetch a file, but it
# may load a script.
TIMELINEJS = EntryFile("timelinejs", (Output("timelinejs.json", after="\n"),
                                      Output("timelinejs.js", "window.TIMELINE_JSON = ", ";\n", js_safe)),
                       _tljs_entry, _tljs_head, _tljs_foot, between=",\n")


def timelinejs_json(t: Timeline) -> str:
    """timelinejs.json's text."""
    return whole(TIMELINEJS, t).decode("utf-8")[:-1]


# ---- iCalendar ----

def _host(settings: Settings) -> str:
    return (urlsplit(settings.base_url).hostname if settings.base_url else None) or "timeline"


def _day(d: PartialDate) -> Date:
    """The calendar day of a date dated to the day or finer, as written."""
    key = d.day_key()
    assert key is not None
    return Date.fromisoformat(key)


def _last_day(d: PartialDate) -> Date:
    """The last calendar day a date can mean, as written."""
    if d.day is not None:
        return _day(d)
    if d.month is not None:
        following = Date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return Date(d.year, 12, 31)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class IcsEvent:
    """What a VEVENT of timeline.ics says, before it is written (by
    `icalendar_event`, or by a faster writer giving the same text)."""

    uid: str
    dtstamp: datetime                      # in UTC
    start: Date | datetime                 # a day, or a moment in UTC
    end: Date | datetime | None            # exclusive
    summary: str
    description: str
    location: str | None
    categories: list[str]
    url: str | None


def ics_fields(e: Entry, settings: Settings, lang: Language | None = None) -> IcsEvent | None:
    """An entry as a calendar event, or None when it is dated only to a
    month or a year (a calendar has no such events); the body's own words
    in `lang`."""
    if e.draft or e.date.day is None:
        return None
    start: Date | datetime
    end: Date | datetime | None = None
    # An end after the last day of year 9999 cannot be written (iCalendar's
    # years have four digits): such an event is left without its DTEND.
    if e.date.hour is None:
        start = _day(e.date)
        last = _last_day(e.end or e.date)
        if last < Date.max:
            end = last + timedelta(days=1)
    else:
        start = _utc(e.date.start())
        if e.end is not None and e.end.hour is not None:
            end = _utc(e.end.start())     # a time ends at that time
        elif e.end is not None and e.end.last() < datetime.max.replace(tzinfo=timezone.utc):
            end = _utc(e.end.last() + timedelta(microseconds=1))   # the end of its day, month or year
    text = summary(localized(e.body_html, lang), 500)
    return IcsEvent(
        uid=f"{e.slug}@{_host(settings)}",
        # From the entry, not the clock, so that a rebuild writes the same bytes.
        dtstamp=_utc((e.updated or e.date).start()),
        start=start, end=end, summary=e.title,
        description=(text + "\n\n" if text else "") + link(e.href, settings),
        location=e.place, categories=list(e.tags),
        url=settings.base_url + e.href if settings.base_url else None,
    )


def icalendar_event(ev: IcsEvent) -> str:
    """A VEVENT's text, as the icalendar library writes it."""
    import icalendar   # here: a build whose engine writes the events itself never loads it
    event = icalendar.Event()
    event.add("uid", ev.uid)
    event.add("dtstamp", ev.dtstamp)
    event.add("dtstart", ev.start)
    if ev.end is not None:
        event.add("dtend", ev.end)
    event.add("summary", ev.summary)
    event.add("description", ev.description)
    if ev.location:
        event.add("location", ev.location)
    if ev.categories:
        event.add("categories", ev.categories)
    if ev.url:
        event.add("url", ev.url)
    return event.to_ical().decode("utf-8")


EventWriter = Callable[[IcsEvent], str]


def ics_piece(e: Entry, sources: Sources, settings: Settings, lang: Language,
              write: EventWriter = icalendar_event) -> str:
    ev = ics_fields(e, settings, lang)
    return "" if ev is None else write(ev)


PRODID = "-//sourced-timeline//NONSGML timeline export//EN"


def icalendar_frame(title: str) -> list[str]:
    """The calendar around its events, as the icalendar library writes
    it: [what comes before the events, what comes after]."""
    import icalendar
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    head, end = calendar.to_ical().decode("utf-8").rsplit("END:VCALENDAR", 1)
    return [head, "END:VCALENDAR" + end]


def _ics_frame(t: Timeline, write: EventWriter) -> list[str]:
    # A writer of events that writes the calendar too (speedups/ical.py)
    # spares loading the library at all.
    frame = getattr(write, "frame", icalendar_frame)
    return frame(t.settings.title)


def ics_file(write: EventWriter = icalendar_event) -> EntryFile:
    """timeline.ics: one VEVENT an entry dated at least to the day (RFC
    5545). `write` writes each event: icalendar, or an engine's faster
    writer of the same text (tests/test_reference.py holds the two builds
    to the same bytes)."""
    return EntryFile("timeline.ics", (Output("timeline.ics"),),
                     lambda e, a: None if e.draft else ics_piece(e, a.sources, a.settings, a.language, write),
                     lambda t, frame: frame[0], lambda t, frame: frame[1],
                     shared=lambda t, where: _ics_frame(t, write))


def timeline_ics(t: Timeline, write: EventWriter = icalendar_event) -> bytes:
    return whole(ics_file(write), t)


# ---- spreadsheets ----

# entries.csv's columns: those `import` reads (TimelineJS's, then ours),
# then ours for the fields a TimelineJS sheet has no column for.
ENTRY_COLUMNS = [
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
    "Headline", "Text", "Media", "Media Credit", "Media Caption", "Alt Text", "Type", "Group",
    "Place", "Tags", "People", "Sources", "Passage", "Quote", "Quote By", "Quote Source",
    "Approximate", "Updated", "Correction Date", "Correction",
    "Figure What", "Figure Value", "Figure Qualifier", "Figure Unit", "Figure Label", "Figure According To",
    "Figure Source", "Figure Passage", "Extra",
]
QUOTE_COLUMNS = ["text", "by", "source", "publisher", "published", "entry", "entry_title", "entry_date",
                 "entry_link", "link"]
FIGURE_COLUMNS = ["what", "value", "qualifier", "unit", "label", "according_to", "source", "publisher",
                  "verified", "passage", "link", "entry", "entry_title", "entry_date", "entry_link"]
BOM = "\ufeff"   # so that Excel opens the file as UTF-8


# A cell beginning with one of these is written with a leading ', so that
# a spreadsheet shows it rather than running it as a formula. A cell that
# already begins with ' before one gets one more, so that import, which
# takes one off, reads it as it was.
_FORMULA = re.compile(r"'*[=+\-@]")


# A row joined with commas that holds none of these needs no quoting and
# no formula guard: it is written as it is, as csv.writer would write it.
_PLAIN_ROW = re.compile(r"[\"\r\n]|(?:^|,)['=+\-@]")
# What makes csv.writer (minimal quoting, CRLF lines) quote a cell.
_QUOTED = re.compile(r"[,\"\r\n]")


def _cell(v: str) -> str:
    if _FORMULA.match(v):
        v = "'" + v
    return '"' + v.replace('"', '""') + '"' if _QUOTED.search(v) else v


def csv_rows(rows: list[list[str]]) -> str:
    """Rows as csv.writer writes them (minimal quoting, CRLF), each cell
    that a spreadsheet would run as a formula guarded. Most rows hold no
    quote, comma or line break in any cell, and no cell that begins like
    a formula: they are joined as they are; in the others each cell that
    is not empty is looked at alone (tests/test_csv_rows.py holds the text
    to csv.writer's)."""
    lines = []
    for row in rows:
        line = ",".join(row)
        if line.count(",") != len(row) - 1 or _PLAIN_ROW.search(line):
            line = ",".join([_cell(v) if v else v for v in row])
        # A row of one empty cell is written quoted, or it would read as no cell.
        lines.append(line + "\r\n" if line or len(row) != 1 else '""\r\n')
    return "".join(lines)


def _number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else repr(value)


def _date_cells(d: PartialDate | None, zone: str) -> list[str]:
    """Year, Month, Day, Time of a date as the sheet has them: a time on
    the timeline's clock (in which import reads it)."""
    if d is None:
        return ["", "", "", ""]
    if d.hour is not None:
        local = d.start().astimezone(ZoneInfo(zone))
        time = f"{local.hour:02d}:{local.minute:02d}" + (f":{local.second:02d}" if d.precision == "second" else "")
        return [str(local.year), str(local.month), str(local.day), time]
    return [str(d.year), "" if d.month is None else str(d.month), "" if d.day is None else str(d.day), ""]


def list_cell(items: list[str]) -> str:
    """Several items in one cell, as import reads them: separated by `; `,
    a `;` inside an item doubled."""
    return "; ".join(item.replace(";", ";;") for item in items)


# What import reads as markup in a cell of plain text: a tag, or an entity.
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def plain_cell(text: str) -> str:
    """A plain-text cell that import reads as TimelineJS does, taking
    markup off and reading entities: escaped only where it would read as
    markup, so that it reads back as it was and otherwise stays as typed."""
    return html.escape(text, quote=False) if _MARKUP.search(text) else text


_LIST_PARAGRAPH = re.compile(r"(<li[^>]*>)\s*<p>((?:(?!</?p>).)*)</p>\s*</li>", re.S)


def sheet_html(body_html: str) -> str:
    """A body as a sheet's Text: its links from the site's root (import
    reads them so), a list item's one paragraph (a footnote's) as the item's
    text, as the simple HTML of a sheet has it."""
    return _LIST_PARAGRAPH.sub(r"\1\2</li>", body_html.replace(ROOT, "")).strip()


def entry_rows(e: Entry, settings: Settings, lang: Language | None = None) -> list[list[str]]:
    """An entry as entries.csv's rows: the first holds the entry, each
    further row (same Headline and date, import's repeat rule) the next of
    its quotes, media items, figures, corrections and cited passages."""
    if e.draft:
        return []
    start = _date_cells(e.date, settings.timezone)
    headline = _escaped(e.title)
    count = max(1, len(e.quotes), len(e.media), len(e.figures), len(e.corrections),
                max((i + 1 for i, c in enumerate(e.sources) if c.passage), default=1))
    rows = []
    for i in range(count):
        row = dict.fromkeys(ENTRY_COLUMNS, "")
        row.update(zip(("Year", "Month", "Day", "Time"), start))
        row["Headline"] = headline
        if i == 0:
            row.update(zip(("End Year", "End Month", "End Day", "End Time"), _date_cells(e.end, settings.timezone)))
            row["Text"] = sheet_html(localized(e.body_html, lang))
            row.update({"Display Date": plain_cell(e.display_date or ""), "Group": plain_cell(e.group or ""),
                        "Place": plain_cell(e.place or ""),
                        "Tags": list_cell(e.tags), "People": list_cell(e.people),
                        "Sources": "; ".join(dict.fromkeys(c.source for c in e.sources)),
                        "Passage": e.sources[0].passage or "" if e.sources else "",
                        "Approximate": "true" if e.approximate else "",
                        "Updated": e.updated.iso() if e.updated else "",
                        "Extra": to_json(e.extra) if e.extra not in (None, {}) else ""})
        elif i < len(e.sources) and e.sources[i].passage:
            row.update({"Sources": e.sources[i].source, "Passage": e.sources[i].passage or ""})
        if i < len(e.quotes):
            q = e.quotes[i]
            row.update({"Quote": q.text, "Quote By": plain_cell(q.by), "Quote Source": q.source})
        if i < len(e.media):
            m = e.media[i]
            # A file as its path inside content/, where import writes the entry.
            row.update({"Media": m.site_path[len("media/"):] if m.site_path else m.url or "",
                        "Media Credit": _escaped(m.credit or ""), "Media Caption": _escaped(m.caption or ""),
                        "Alt Text": plain_cell(m.alt or "")})
        if i < len(e.figures):
            x = e.figures[i]
            row.update({"Figure What": x.what, "Figure Value": _number(x.value), "Figure Qualifier": x.qualifier or "",
                        "Figure Unit": x.unit or "", "Figure Label": x.label or "",
                        "Figure According To": x.according_to or "", "Figure Source": x.source,
                        "Figure Passage": x.passage or ""})
        if i < len(e.corrections):
            c = e.corrections[i]
            row.update({"Correction Date": c.date.iso(), "Correction": c.text})
        rows.append(list(row.values()))
    return rows


def entries_piece(e: Entry, sources: Sources, settings: Settings, lang: Language) -> str:
    return csv_rows(entry_rows(e, settings, lang))


def quotes_piece(e: Entry, sources: Sources, settings: Settings, lang: Language) -> str:
    if e.draft:
        return ""
    return csv_rows([[q.text, q.by, q.source, sources[q.source].publisher, sources[q.source].published.iso(),
                      e.slug, e.title, e.date.iso(), link(e.href, settings), link(q.link, settings)]
                     for q in e.quotes])


def figures_piece(e: Entry, sources: Sources, settings: Settings, lang: Language) -> str:
    if e.draft:
        return ""
    return csv_rows([[x.what, _number(x.value), x.qualifier or "", x.unit or "", x.label or "",
                      x.according_to or "", x.source, sources[x.source].publisher,
                      "true" if x.verified else "false", x.passage or "", link(x.link, settings),
                      e.slug, e.title, e.date.iso(), link(e.href, settings)]
                     for x in e.figures])


def _csv(name: str, header: list[str], piece: Callable[[Entry, Sources, Settings, Language], str]) -> EntryFile:
    head = BOM + csv_rows([header])
    return EntryFile(name, (Output(name),), lambda e, a: piece(e, a.sources, a.settings, a.language),
                     lambda t, shared: head, lambda t, shared: "")


ENTRIES_CSV = _csv("entries.csv", ENTRY_COLUMNS, entries_piece)
QUOTES_CSV = _csv("quotes.csv", QUOTE_COLUMNS, quotes_piece)
FIGURES_CSV = _csv("figures.csv", FIGURE_COLUMNS, figures_piece)


def entries_csv(t: Timeline) -> bytes:
    return whole(ENTRIES_CSV, t)


def quotes_csv(t: Timeline) -> bytes:
    return whole(QUOTES_CSV, t)


def figures_csv(t: Timeline) -> bytes:
    return whole(FIGURES_CSV, t)


def entry_files(write: EventWriter = icalendar_event) -> list[EntryFile]:
    """The exports, each a file of one piece per entry."""
    return [TIMELINEJS, ics_file(write), ENTRIES_CSV, QUOTES_CSV, FIGURES_CSV]
