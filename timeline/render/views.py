"""What each page shows, computed from the model: plain data for templates,
so the templates hold markup and no logic beyond loops and conditions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..read.dates import PartialDate, parse_date
from ..read.i18n import Language
from ..read.names import href, page_name
from ..read.entry import Entry, Figure
from ..model.timeline import MarkSpan
from ..read.settings import Era
from ..read.sources import Source
from ..check.verify import line_spans, paragraphs


# ---- listings: day headings and the split by year and month ----

@dataclass
class EraView:
    """An era as the pages draw it: a labelled band."""

    title: str
    date: PartialDate
    end: PartialDate
    anchor: str               # id of its label in the listing that shows its first entry
    link: str | None          # to that label; None when no entry falls in it
    count: int                # entries within it

    def holds(self, iso: str) -> bool:
        """Whether a day, month or year (an ISO date of 4, 7 or 10
        characters, in the timeline's calendar) falls within the era."""
        lo, hi = self.date.iso()[:10], self.end.iso()[:10]
        n, m = min(len(iso), len(lo)), min(len(iso), len(hi))
        return lo[:n] <= iso[:n] and iso[:m] <= hi[:m]


def era_views(eras: list[Era], entries: list[Entry], where: dict[str, str]) -> list[EraView]:
    """The settings' eras, each with where its first entry is listed."""
    out: list[EraView] = []
    used: set[str] = set()
    for era in eras:
        anchor = base = "era-" + page_name(era.title)
        n = 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        view = EraView(era.title, era.date, era.end, anchor, None, 0)
        inside = [e for e in entries if view.holds(e.date.iso()[:10])]
        view.count = len(inside)
        if inside:
            view.link = (href(where[inside[0].slug]) if inside[0].slug in where else "") + "#" + anchor
        out.append(view)
    return out


@dataclass
class DayGroup:
    key: str                  # anchor: d-2022-01-07, d-2022-01, d-2022
    label: str
    entries: list[Entry]
    base: str = ""            # the key before it was made unique
    era: EraView | None = None        # the era it falls in
    era_starts: bool = False          # the first group of its era on this page: the band's label


def day_groups(entries: list[Entry], lang: Language, eras: Sequence[EraView] = ()) -> list[DayGroup]:
    """Consecutive entries under one heading: their day, month or year;
    each in the first era that holds it."""
    groups: list[DayGroup] = []
    used: dict[str, int] = {}
    for entry in entries:
        key = "d-" + entry.date.iso()[:10]
        if not groups or groups[-1].base != key:
            # Dates of different precision that begin together ("2019",
            # "1 January 2019") may alternate; each heading keeps its own id.
            used[key] = used.get(key, 0) + 1
            anchor = key if used[key] == 1 else f"{key}-{used[key]}"
            era = next((era for era in eras if era.holds(key[2:])), None)
            groups.append(DayGroup(anchor, lang.day(entry.date), [], key, era))
        groups[-1].entries.append(entry)
    seen: set[str] = set()
    for group in groups:
        if group.era is not None and group.era.anchor not in seen:
            seen.add(group.era.anchor)
            group.era_starts = True
    return groups


@dataclass
class NavPeriod:
    """A month (or a year) of a one-page timeline, with links to its days."""

    label: str
    links: list[tuple[str, str]]    # (text, anchor)


def period_nav(groups: list[DayGroup], lang: Language) -> list[NavPeriod]:
    """Days grouped by month, for the home page's navigation."""
    periods: list[NavPeriod] = []
    for group in groups:
        d = group.entries[0].date
        label = lang.date(parse_date(f"{d.year:04d}" if d.month is None else f"{d.year:04d}-{d.month:02d}"))
        if not periods or periods[-1].label != label:
            periods.append(NavPeriod(label, []))
        text = lang.day_month(d) if d.day else lang.t_plain("days.year" if d.month is None else "days.whole_month")
        periods[-1].links.append((text, group.key))
    return periods


@dataclass
class ListingPage:
    """One page of the split listing: a year, a month, or a year's undated rest."""

    key: str                  # "2022" or "2022-01"
    label: str
    path: str                 # archive/2022.html
    entries: list[Entry]
    children: list["ListingPage"] = field(default_factory=list)
    # How many entries it lists, and with its months': numbers of their
    # own, so that a page showing them reads no entry (keys.KeyMaker keys
    # a page by what it reads).
    count: int = 0
    total: int = 0


def split_listing(entries: list[Entry], page_size: int, lang: Language) -> list[ListingPage]:
    """[] when everything fits on the home page; else one page per year,
    a year over page_size split by month (its entries with no month stay on
    the year page, so each entry is listed on exactly one page)."""
    if len(entries) <= page_size:
        return []
    years: dict[str, list[Entry]] = {}
    for entry in entries:
        years.setdefault(f"{entry.date.year:04d}", []).append(entry)
    pages = []
    for year, items in years.items():
        page = ListingPage(year, lang.date(parse_date(year)), f"archive/{year}.html", items)
        if len(items) > page_size:
            months: dict[str, list[Entry]] = {}
            rest = []
            for entry in items:
                if entry.date.month is None:
                    rest.append(entry)
                else:
                    months.setdefault(f"{year}-{entry.date.month:02d}", []).append(entry)
            page.entries = rest
            page.children = [
                ListingPage(key, lang.date(parse_date(key)), f"archive/{key}.html", items_)
                for key, items_ in months.items()
            ]
        for sub in [page, *page.children]:
            sub.count = sub.total = len(sub.entries)
        page.total = page.count + sum(c.count for c in page.children)
        pages.append(page)
    return pages


# ---- the overview strip ----

@dataclass
class Bar:
    label: str
    count: int
    height: float             # 0..100, share of the tallest bar
    x: float                  # 0..100, left edge
    width: float
    link: str | None          # where its entries are listed


def listed_on(pages: list[ListingPage]) -> dict[str, str]:
    """slug -> the listing page that lists the entry (none: the home page)."""
    return {e.slug: sub.path for page in pages for sub in [page, *page.children] for e in sub.entries}


@dataclass
class Band:
    """An era behind the overview strip."""

    title: str
    x: float                  # 0..100
    width: float


@dataclass
class Overview:
    unit: str                 # what each bar counts: "day", "month" or "year"
    bars: list[Bar]
    bands: list[Band] = field(default_factory=list)


def overview(entries: list[Entry], where: dict[str, str], eras: Sequence[EraView] = ()) -> Overview | None:
    """How many entries fall on each day, month or year, as the span needs;
    `where` tells which listing page shows each entry."""
    if not entries:
        return None
    first, last = entries[0].date.start(), max(e.date.start() for e in entries)
    days = (last - first).days
    unit = "day" if days <= 92 else "month" if days <= 366 * 8 else "year"
    counts: dict[str, list] = {}
    for e in entries:
        iso = e.date.iso()
        key = iso[:10] if unit == "day" and e.date.day else iso[:7] if unit != "year" and e.date.month else iso[:4]
        slot = counts.setdefault(key, [0, e])
        slot[0] += 1
    keys = _fill(list(counts), unit)
    top = max(c for c, _ in counts.values())
    bars = []
    width = 100 / len(keys)
    for i, key in enumerate(keys):
        count, shown = counts.get(key, (0, None))
        link = None
        if shown is not None:
            anchor = "#d-" + shown.date.iso()[:10]
            link = (href(where[shown.slug]) if shown.slug in where else "") + anchor
        bars.append(Bar(key, count, 100 * count / top, i * width, width, link))
    bands = []
    for era in eras:
        inside = [b for b in bars if era.holds(b.label)]
        if inside:
            bands.append(Band(era.title, inside[0].x, inside[-1].x + inside[-1].width - inside[0].x))
    return Overview(unit, bars, bands)


def _fill(keys: list[str], unit: str) -> list[str]:
    """The keys with the empty days (months, years) between them."""
    full = [k for k in keys if len(k) == {"day": 10, "month": 7, "year": 4}[unit]]
    coarse = [k for k in keys if k not in full]
    if not full:
        return keys
    out: list[str] = []
    lo, hi = min(full), max(full)
    if unit == "day":
        d, end = date.fromisoformat(lo), date.fromisoformat(hi)
        for _ in range((end - d).days + 1):
            out.append(d.isoformat())
            if d < date.max:   # 9999-12-31 has no next day
                d += timedelta(days=1)
    elif unit == "month":
        y, m = int(lo[:4]), int(lo[5:7])
        while f"{y:04d}-{m:02d}" <= hi:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        out = [f"{y:04d}" for y in range(int(lo), int(hi) + 1)]
    return sorted(coarse + out, key=lambda k: (k[:len(lo)], len(k)))


# ---- source pages ----

@dataclass
class Segment:
    text: str
    marks: list[MarkSpan]     # the marks covering it (innermost last)
    starts: list[str]         # ids of marks that start here
    ends: list[MarkSpan]      # marks that end here: their links back follow
    muted: bool = False       # a line of page furniture


@dataclass
class Paragraph:
    id: str
    line: int
    muted: bool
    segments: list[Segment]
    gap_before: int = 0       # paragraphs left out before this one (excerpts)


@dataclass
class SourceView:
    paragraphs: list[Paragraph]
    total: int                # paragraphs in the text
    gap_after: int = 0


def source_view(source: Source, marks: list[MarkSpan]) -> SourceView:
    text = source.text
    paras = paragraphs(text)
    lines = line_spans(text)
    furniture = [lines[n - 1] for n in sorted(source.furniture) if n <= len(lines)]
    bounds = sorted({b for m in marks for s in m.spans for b in s} | {b for f in furniture for b in f})
    shown: list[Paragraph] = []
    previous = -1
    for index, (start, end, line) in enumerate(paras):
        inside = [m for m in marks if any(s < end and e > start for s, e in m.spans)]
        if source.archive != "full" and not inside:
            continue
        last_line = line + text.count("\n", start, end)
        muted = all(n in source.furniture for n in range(line, last_line + 1))
        segments = _segments(text, start, end, inside, bounds, [] if muted else furniture)
        shown.append(Paragraph(f"para-{index + 1}", line, muted, segments, index - previous - 1))
        previous = index
    return SourceView(shown, len(paras), len(paras) - previous - 1)


def _segments(text: str, start: int, end: int, marks: list[MarkSpan], bounds: list[int],
              furniture: list[tuple[int, int]]) -> list[Segment]:
    """The paragraph cut wherever a mark or a furniture line starts or ends."""
    cuts = [start] + [b for b in bounds if start < b < end] + [end]
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in marks if any(s <= a and b <= e for s, e in m.spans)]
        starts = [m.id for m in covering if m.spans[0][0] == a]
        ends = [m for m in marks if m.spans[-1][1] == b]
        muted = any(s <= a and b <= e for s, e in furniture)
        out.append(Segment(text[a:b], covering, starts, ends, muted))
    return out


# ---- figures ----

@dataclass
class FigureRow:
    entry: Entry
    source: Source
    figure: Figure
    share: float              # bar length, 0..100, of the tallest in its unit


@dataclass
class FigureScale:
    """The rows of one unit: only numbers of one unit share a chart's scale."""

    unit: str | None
    rows: list[FigureRow]


@dataclass
class FigureGroup:
    what: str
    anchor: str
    scales: list[FigureScale]
    values_differ: bool
    qualifiers_differ: bool
    labels_differ: bool
    units_differ: bool
    unchecked: int            # rows whose number no passage backs


def figure_groups(entries: list[Entry], sources: dict[str, Source]) -> list[FigureGroup]:
    """Each `what`, with every source's value side by side, one scale per unit."""
    by_what: dict[str, list[tuple[Entry, Figure]]] = {}
    for entry in entries:
        for figure in entry.figures:
            by_what.setdefault(figure.anchor, []).append((entry, figure))
    out = []
    for anchor in sorted(by_what):
        items = by_what[anchor]
        by_unit: dict[str, list[tuple[Entry, Figure]]] = {}
        for e, f in items:
            by_unit.setdefault(" ".join((f.unit or "").split()).casefold(), []).append((e, f))
        scales = []
        for group in by_unit.values():
            top = max(abs(f.value) for _, f in group) or 1
            rows = [FigureRow(e, sources[f.source], f, 100 * abs(f.value) / top) for e, f in group]
            scales.append(FigureScale(group[0][1].unit, rows))
        values = {(f.value, (f.unit or "").casefold()) for _, f in items}
        qualifiers = {(f.qualifier or "").casefold() for _, f in items}
        labels = {(f.label or "").casefold() for _, f in items if f.label}
        out.append(FigureGroup(
            items[0][1].what, anchor, scales,
            values_differ=len(values) > 1, qualifiers_differ=len(qualifiers) > 1, labels_differ=len(labels) > 1,
            units_differ=len(scales) > 1, unchecked=sum(not f.verified for _, f in items),
        ))
    return out


def unit_shown(figure: Figure) -> str | None:
    """The unit to write after a figure's number: none when its `what`
    already names it (2,500 CSTO troops sent, not 2,500 troops CSTO troops
    sent), singular or plural."""
    unit = " ".join((figure.unit or "").split())
    if not unit:
        return None
    def forms(text: str) -> set[str]:
        words = re.findall(r"\w+", text.casefold())
        return {w for word in words for w in (word, word.removesuffix("s"), word.removesuffix("es"))}
    said = forms(figure.what)
    unit_words = re.findall(r"\w+", unit.casefold())
    if unit_words and all(w in said or w.removesuffix("s") in said for w in unit_words):
        return None
    return unit
