"""Render pages through Jinja templates. Each page is rendered from only the
data it shows, so what it depends on is plain to see."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .dates import PartialDate, sort_key
from .errors import ContentError
from .markup import ROOT
from .model import Entry, Group, Timeline
from .views import (
    ListingPage, day_groups, figure_groups, href, overview, source_view, split_listing,
)

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FEED_SIZE = 50


@dataclass
class Page:
    path: str          # inside the site, with '/'
    data: bytes


class Renderer:
    """Jinja environment over the user's templates, falling back to ours."""

    def __init__(self, templates_dir: Path, templates_shown: str):
        loaders = [jinja2.FileSystemLoader(str(templates_dir))]
        if templates_dir.resolve() != BUNDLED_TEMPLATES:
            loaders.append(jinja2.FileSystemLoader(str(BUNDLED_TEMPLATES)))
        self.templates_dir = templates_dir.resolve()
        self.templates_shown = templates_shown
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["rooted"] = rooted
        self.env.filters["number"] = number
        self.env.filters["escaped_html"] = escaped_html
        self.env.globals["href"] = href

    def render(self, template: str, path: str, **context) -> Page:
        depth = path.count("/")
        context.setdefault("root", "../" * depth)
        context["page_path"] = path
        try:
            text = self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(self._shown(exc.filename, template), exc.lineno or 1, f"template error: {exc.message}") from None
        except Exception as exc:  # a template failing at run time: name its line
            raise self._locate(exc, template) from None
        return Page(path, text.encode("utf-8"))

    def _shown(self, filename: str | None, template: str) -> str:
        if filename:
            p = Path(filename).resolve()
            if p.is_relative_to(self.templates_dir):
                return f"{self.templates_shown.rstrip('/')}/{p.relative_to(self.templates_dir).as_posix()}"
            return p.as_posix()
        return f"{self.templates_shown.rstrip('/')}/{template}"

    def _locate(self, exc: Exception, template: str) -> ContentError:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".js", ".txt"))]
        frame = frames[-1] if frames else None
        where = self._shown(frame.filename if frame else None, template)
        return ContentError(where, frame.lineno if frame else 1, f"template error: {type(exc).__name__}: {exc}")


def rooted(html: str, root: str) -> Markup:
    """Rendered Markdown, its relative links made relative to this page."""
    return Markup(html.replace(ROOT, root))


def escaped_html(html: str, root: str) -> Markup:
    """Rendered Markdown as escaped text, for an Atom summary of type html."""
    return escape(html.replace(ROOT, root))


def number(value) -> str:
    """3800 -> '3,800'; 2.5 -> '2.5'."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"


def render_site(timeline: Timeline, renderer: Renderer, drafts: bool) -> list[Page]:
    """Every page of the site, in a fixed order."""
    t = timeline
    site = t.settings
    pages: list[Page] = []
    listing = split_listing(t.entries, site.page_size)
    bars = overview(t.entries, listing)
    common = {"site": site}
    pages.append(renderer.render(
        "index.html", "index.html", **common, intro_html=t.intro_html, bars=bars,
        groups=day_groups(t.entries) if not listing else [], listing=listing,
        tags=t.tags, people=t.people, count=len(t.entries), sources=t.sources,
    ))
    for page in listing:
        for sub in [page, *page.children]:
            pages.append(renderer.render(
                "listing.html", sub.path, **common, page=sub, groups=day_groups(sub.entries),
                sources=t.sources, listing=listing,
            ))
    listed_on = {e.slug: sub.path for page in listing for sub in [page, *page.children] for e in sub.entries}
    for i, entry in enumerate(t.entries):
        pages.append(renderer.render(
            "entry.html", f"entries/{entry.slug}.html", **common, entry=entry,
            previous=t.entries[i - 1] if i else None,
            next=t.entries[i + 1] if i + 1 < len(t.entries) else None,
            sources=t.sources, tag_pages=_names(t.tags), people_pages=_names(t.people),
            listed_on=href(*listed_on.get(entry.slug, "index.html").split("/")),
        ))
    pages.append(renderer.render("sources.html", "sources/index.html", **common, sources=list(t.sources.values()), citing=t.citing))
    for sid, source in t.sources.items():
        pages.append(renderer.render(
            "source.html", f"sources/{sid}.html", **common, source=source,
            view=source_view(source, t.marks[sid]), citing=t.citing[sid],
        ))
    for kind, groups in (("tags", t.tags), ("people", t.people)):
        for group in groups:
            pages.append(renderer.render(
                "group.html", f"{kind}/{group.name}.html", **common, kind=kind, group=group,
            ))
    pages.append(renderer.render("figures.html", "figures.html", **common, groups=figure_groups(t), sources=t.sources))
    pages.append(renderer.render("404.html", "404.html", **common, root=site.base_url or ""))
    pages.append(Page("search-index.js", search_index(t.entries, listing)))
    pages.append(Page("timeline.json", timeline_json(t)))
    pages.append(Page(".nojekyll", b""))
    if site.base_url:
        recent = sorted(t.entries, key=lambda e: (sort_key(e.updated or e.date), e.path), reverse=True)[:FEED_SIZE]
        pages.append(renderer.render("feed.xml", "feed.xml", **common, entries=recent, updated=_latest(recent)))
        html = [p.path for p in pages if p.path.endswith(".html") and p.path != "404.html"]
        pages.append(renderer.render("sitemap.xml", "sitemap.xml", **common, paths=[href(*p.split("/")) for p in html]))
    return pages


def _names(groups: list[Group]) -> dict[str, str]:
    """label -> page name, for linking an entry's tags and people."""
    return {g.label: g.name for g in groups}


def _latest(entries: list[Entry]) -> PartialDate | None:
    dates = [e.updated or e.date for e in entries]
    return max(dates, key=sort_key) if dates else None


def timeline_json(t: Timeline) -> bytes:
    """All of it as data; every url relative to the site root."""
    def entry_data(e: Entry) -> dict:
        return {
            "slug": e.slug, "title": e.title, "date": e.date.iso(),
            "end": e.end.iso() if e.end else None, "precision": e.date.precision,
            "approximate": e.approximate, "place": e.place, "tags": e.tags, "people": e.people,
            "url": href("entries", e.slug + ".html"),
            "sources": [{"id": c.source, "passage": c.passage, "url": _mark_url(c.source, c.mark)} for c in e.sources],
            "quotes": [{"text": q.text, "by": q.by, "source": q.source, "url": _mark_url(q.source, q.mark)} for q in e.quotes],
            "figures": [{
                "what": x.what, "value": x.value, "qualifier": x.qualifier, "unit": x.unit,
                "label": x.label, "according_to": x.according_to, "source": x.source,
                "passage": x.passage, "url": _mark_url(x.source, x.mark),
            } for x in e.figures],
            "updated": e.updated.iso() if e.updated else None,
            "corrections": [{"date": c.date.iso(), "text": c.text} for c in e.corrections],
            "draft": e.draft, "extra": e.extra,
        }
    data = {
        "title": t.settings.title, "description": t.settings.description,
        "language": t.settings.language, "timezone": t.settings.timezone,
        "base_url": t.settings.base_url,
        "entries": [entry_data(e) for e in t.entries],
        "sources": [{
            "id": s.id, "publisher": s.publisher, "title": s.title, "published": s.published.iso(),
            "url": s.url, "author": s.author, "captured": s.captured.iso() if s.captured else None,
            "archive_url": s.archive_url, "note": s.note, "archive": s.archive,
            "page": href("sources", s.id + ".html"), "sha256": s.sha256,
            "cited_by": len(t.citing[s.id]),
        } for s in t.sources.values()],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _mark_url(source: str, mark: str | None) -> str:
    return href("sources", source + ".html") + (f"#{mark}" if mark else "")


def search_index(entries: list[Entry], listing: list[ListingPage]) -> bytes:
    """The search data as a classic script: file:// pages may not fetch."""
    where = {e.slug: sub.path for page in listing for sub in [page, *page.children] for e in sub.entries}
    rows = []
    for e in entries:
        text = " ".join([e.search_text, *(q.text for q in e.quotes), *(q.by for q in e.quotes)])
        rows.append([
            e.slug, e.title, e.date.display(), href("entries", e.slug + ".html"),
            href(*where[e.slug].split("/")) if e.slug in where else "",
            e.place or "", e.tags, e.people, text,
        ])
    payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    # "</" inside a script is harmless here (it is a .js file), but keep U+2028/9 out of JS strings.
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.TIMELINE_SEARCH={payload};\n".encode("utf-8")
