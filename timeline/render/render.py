"""Render pages through Jinja templates. Each page is rendered from only the
data it shows, so what it depends on is plain to see."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

import jinja2
from markupsafe import Markup, escape

from ..read.dates import PartialDate, sort_key
from ..errors import ContentError
from ..check.markup import ROOT
from ..read.names import href, page_name
from ..hashing import digest, digest_text
from .keys import KeyMaker, Read, Reads, Recorder
from ..read.data import (encode_numbers, entry_chunk, js_safe, patch_word_shards, search_head, search_part,
                         search_tokens, shard_count, shard_file, to_json, word_shards)
from .exports import EventWriter, StructuredData, entry_files as export_files, icalendar_event, json_ld, summary
from ..read.i18n import Language, localized
from ..read.entry import Entry
from ..model.timeline import Timeline
from .pieces import Around, EntryFile, Kept, Made, Output, make, whole
from ..read.schema import to_data
from .views import unit_shown, day_groups, era_views, figure_groups, listed_on, overview, period_nav, source_view, split_listing

if TYPE_CHECKING:
    from ..read.sources import Source

def _bundled(name: str) -> Path:
    """A folder of the bundled look: inside the package once installed,
    at the top of the repository in a copy of it (setup.py maps the one to
    the other)."""
    package = Path(__file__).resolve().parents[1]
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


BUNDLED_TEMPLATES = _bundled("templates")
# The templates of the pages plan_site makes.
PAGE_TEMPLATES = ("index.html", "listing.html", "entry.html", "sources.html", "source.html", "group.html",
                  "figures.html", "404.html", "feed.xml", "sitemap.xml", "embed.html")
FEED_SIZE = 50

# A fragment on a page: (its template, the page's root, the names of the
# shared values it was given, joined by commas, and its entry's path).
Placement = tuple[str, str, str, str]


class Renderer:
    """Jinja environment over the user's templates, falling back to ours."""

    def __init__(self, templates_dir: Path, templates_shown: str,
                 environment: Callable[..., jinja2.Environment] = jinja2.Environment):
        loaders = [jinja2.FileSystemLoader(str(templates_dir))]
        if templates_dir.resolve() != BUNDLED_TEMPLATES:
            loaders.append(jinja2.FileSystemLoader(str(BUNDLED_TEMPLATES)))
        self.templates_dir = templates_dir.resolve()
        self.templates_shown = templates_shown
        self.env = environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self.env.filters["rooted"] = rooted
        self.env.filters["number"] = number
        self.env.filters["unit_shown"] = unit_shown
        self.env.filters["escaped_html"] = escaped_html
        self.env.filters["summary"] = summary
        self.env.filters["json_ld"] = json_ld
        self.env.globals["href"] = href
        self.env.globals["entry_fragment"] = self.entry_fragment
        self.env.globals["entry_fragments"] = self.entry_fragments
        self.env.globals["fragment"] = self.fragment
        self.env.filters["page_name"] = page_name
        self._fragments: dict[tuple, Markup] = {}
        self._fragment_reads: dict[tuple, Read] = {}
        self._value_fragments: dict[tuple, tuple[Any, Markup]] = {}   # see `fragment`
        self._page_values: dict[str, set[tuple]] = {}   # page -> the keys of the value fragments it used
        # Each list entry_fragments joined while recording (by its kind and
        # page, checked entry by entry): (its entries, their fragments).
        self._joined: dict[tuple, tuple[list[Entry], list[Markup]]] = {}
        self.page = ""   # the path of the page being rendered
        self._fingerprint: str | None = None
        self.language: Language | None = None
        # While a page's reads are recorded: a fragment made for one page
        # and reused on another counts as read by both.
        self.recorder: Recorder | None = None
        # While an edit is patched in (speedups/quick.py): the ids of the
        # edited entries. A kept fragment of any other entry adds no reads,
        # as the page's last record holds them and is kept with the new one.
        self.reads_known_but: set[int] | None = None
        # While pages are rendered for a build that keeps its cache: the
        # fragments the page being rendered holds, as (template, root, the
        # names of the shared values, entry path), handed back with the page
        # (output._render_each) for the quick rebuild to find them.
        self.placed: list[Placement] | None = None

    def use_static(self, jobs: list[Job]) -> None:
        """Tell the templates which optional static files the site has
        (`extra_css`: a project's static/extra.css, linked after ours)."""
        self.env.globals["extra_css"] = any(job.path == "static/extra.css" for job in jobs)

    def use_language(self, language: Language) -> None:
        """The site's language: its strings (`t`, `t_plain`), its dates
        (`lang.date`, `lang.short`, `lang.span`, ...) and its numbers (the
        `number` filter)."""
        self.language = language
        self.env.globals["lang"] = language
        self.env.globals["t"] = language.t
        self.env.globals["t_plain"] = language.t_plain
        self.env.filters["number"] = language.number
        self.env.filters["rooted"] = lambda html, root: rooted(html, root, language)
        self.env.filters["escaped_html"] = lambda html, root: escaped_html(html, root, language)
        shared = StructuredData(language)
        self.env.filters["summary"] = shared.summary
        self.env.filters["json_ld"] = lambda e, sources, site, root: json_ld(e, sources, site, root, language, shared)
        self.close()   # nothing rendered in another language is kept

    def close(self) -> None:
        """Let go of what it rendered. A renderer and its template
        environment hold each other (the environment's globals are its
        methods), so what it keeps would otherwise wait, as garbage, for the
        cyclic collector; a project that stays in memory calls this when a
        new build's renderer replaces it, and `use_language` to drop what
        was rendered in another language."""
        for kept in (self._fragments, self._fragment_reads, self._value_fragments, self._page_values, self._joined):
            kept.clear()

    def fingerprint(self) -> str:
        """Digest of every template this renderer can load (their sources:
        templates are compiled only when a page needs them). Read once: a
        build asks for it for its page keys and again for its manifest."""
        if self._fingerprint is None:
            parts = []
            assert self.env.loader is not None   # the renderer's environment is made with its loader
            for name in sorted(self.env.list_templates()):
                source, _, _ = self.env.loader.get_source(self.env, name)
                parts.append((name, source))
            self._fingerprint = digest(parts)
        return self._fingerprint

    def compile(self, names: Iterable[str] = PAGE_TEMPLATES) -> None:
        """Compile these templates and the ones they use now, not in each
        worker. A template that does not compile is left for its page's
        rendering to report, with its line."""
        for name in sorted(names) + ["_list_item.html", "_card.html", "_embed_card.html", "_feed_entry.xml",
                                     "_figure_group.html", "_macros.html"]:
            try:
                self.env.get_template(name)
            except Exception:
                pass

    def entry_fragment(self, template: str, entry: Entry, root: str, **shared: Any) -> Markup:
        """A small template (`e`, `root` and the `shared` values, the same
        for every entry, its only names) rendered for an entry once per
        page depth, then reused: an entry is on several compact lists (its
        tags, its people, its sources), all on pages of one depth, and a
        template call costs more than the markup. A rebuild in the same
        process that changes an entry in place makes only its fragments
        again (`forget_fragments`)."""
        key: tuple = (template, id(entry), root, *[(n, id(v)) for n, v in shared.items()])
        if self.placed is not None:
            self.placed.append((template, root, ",".join(shared), entry.path))
        html = self._fragments.get(key)
        recorder = self.recorder
        if html is None:
            outer = recorder.take() if recorder is not None else None
            text = self.env.get_template(template).render(e=entry, root=root, **shared)
            html = self._fragments[key] = Markup(text.rstrip("\n"))
            if recorder is not None and outer is not None:
                self._fragment_reads[key] = recorder.resume(outer)
        elif recorder is not None and (self.reads_known_but is None or id(entry) in self.reads_known_but):
            recorder.add(self._fragment_reads.get(key, (set(), set())))
        return html

    def entry_fragments(self, template: str, entries: list[Entry], root: str, between: str = "\n\n",
                        **shared: Any) -> Markup:
        """`entry_fragment` for each entry, one after another with `between`
        them (a blank line unless told), and a line's end after the last: a
        list of thousands (embed.html's, a source's) joined in one call, not
        a template call per entry."""
        recorder = self.recorder
        if recorder is None:
            one = self.entry_fragment
            return Markup(between.join([one(template, e, root, **shared) for e in entries]) + "\n")
        # Recording: the kept fragments' reads added in one call each, not one per entry.
        said = [(n, id(v)) for n, v in shared.items()]
        known_but = self.reads_known_but
        placed, names = self.placed, ",".join(shared)
        joined_key = (template, root, *said, self.page)
        if known_but is not None and placed is None:
            # An edit patched in: the list joined last time, if it holds the
            # same entries (kept alive by it), takes the edited ones' anew.
            last = self._joined.get(joined_key)
            if last is not None and len(last[0]) == len(entries) and all(a is b for a, b in zip(last[0], entries)):
                parts = last[1]
                for i, e in enumerate(entries):
                    if id(e) in known_but:
                        parts[i] = self.entry_fragment(template, e, root, **shared)
                return Markup(between.join(parts) + "\n")
        fragments, reads = self._fragments, self._fragment_reads
        parts, kept = [], []
        for e in entries:
            key = (template, id(e), root, *said)
            html = fragments.get(key)
            if html is None:
                html = self.entry_fragment(template, e, root, **shared)
            else:
                if placed is not None:
                    placed.append((template, root, names, e.path))
                if known_but is None or id(e) in known_but:
                    kept.append(reads.get(key, (set(), set())))
            parts.append(html)
        recorder.seen.update(*[read[0] for read in kept])
        recorder.objects.update(*[read[1] for read in kept])
        if placed is None:
            self._joined[joined_key] = (list(entries), parts)
        return Markup(between.join(parts) + "\n")

    def fragment(self, template: str, value: Any, root: str) -> Markup:
        """A small template (`v` and `root` its only names) rendered for one
        value of a page's view that shows several entries (a group of the
        figures page), kept while the value is and what it read of the
        entries is unchanged (`forget_fragments`): an edit patched in makes
        again only the parts of a long page that show the edited entry."""
        key = (template, id(value), root)
        self._page_values.setdefault(self.page, set()).add(key)
        kept = self._value_fragments.get(key)
        recorder = self.recorder
        if kept is not None and kept[0] is value:
            if recorder is not None:
                recorder.add(self._fragment_reads.get(key, (set(), set())))
            return kept[1]
        outer = recorder.take() if recorder is not None else None
        html = Markup(self.env.get_template(template).render(v=value, root=root).rstrip("\n"))
        if recorder is not None and outer is not None:
            self._fragment_reads[key] = recorder.resume(outer)
            # Kept only where what it read is known, to be forgotten when that changes.
            self._value_fragments[key] = (value, html)
        return html

    def forget_fragments(self, entry: Entry, names: Iterable[str] = ()) -> None:
        """An entry changed in place (these of its attributes): its
        fragments, and the kept fragments of values that read those, are
        made again when next used."""
        for key in [k for k in self._fragments if k[1] == id(entry)]:
            del self._fragments[key]
            self._fragment_reads.pop(key, None)
        said = {(id(entry), name) for name in names}
        for key in [k for k in self._value_fragments if said & self._fragment_reads[k][1]]:
            del self._value_fragments[key]
            del self._fragment_reads[key]

    def render(self, template: str, path: str, **context: Any) -> bytes:
        depth = path.count("/")
        context.setdefault("root", "../" * depth)
        context["page_path"] = self.page = path
        shown_before = self._page_values.pop(path, set())
        try:
            text = self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(self._shown(exc.filename, template), exc.lineno or 1, f"template error: {exc.message}") from None
        except Exception as exc:  # a template failing at run time: name its line
            raise self._locate(exc, template) from None
        # The value fragments the page no longer shows are not kept (a long preview would gather them).
        for key in shown_before - self._page_values.get(path, set()):
            self._value_fragments.pop(key, None)
            self._fragment_reads.pop(key, None)
        return text.encode("utf-8")

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
        return ContentError(where, (frame.lineno or 1) if frame else 1, f"template error: {type(exc).__name__}: {exc}")


def rooted(html: str, root: str, lang: Language | None = None) -> Markup:
    """Rendered Markdown, its relative links made relative to this page."""
    return Markup(localized(html.replace(ROOT, root), lang))


def escaped_html(html: str, root: str, lang: Language | None = None) -> Markup:
    """Rendered Markdown as escaped text, for an Atom summary of type html."""
    return escape(localized(html.replace(ROOT, root), lang))


def number(value: int | float) -> str:
    """3800 -> '3,800'; 2.5 -> '2.5'."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"


@dataclass
class Job:
    """One file of the site: a template and what it shows, or ready bytes.

    `key` digests everything the file is made from; an unchanged key means
    an unchanged file, so the renderer may skip it."""

    path: str
    key: str | None = None
    template: str | None = None
    context: dict | None = None
    data: "bytes | Lazy | None" = None     # Lazy: made where the job is done
    rendered: bool = False                  # made by this build (output.write_site)
    seen: set | None = None                 # what its rendering read, when recorded
    objects: set | None = None              # and of which entries (keys.Recorder's `objects`)

    def bytes(self, renderer: "Renderer") -> bytes:
        if self.data is None:
            assert self.template is not None   # a job is given its bytes or its template
            return renderer.render(self.template, self.path, **job_context(self))
        return self.data() if isinstance(self.data, Lazy) else self.data


class Lazy:
    """A context value computed only if its page is rendered at all, and
    then once. Arguments that are Lazy themselves are computed first."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn, self.args = fn, args
        self.value, self.done = None, False

    def key_of_lazy(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        """What it is made from (keys.KeyMaker): its function and arguments."""
        return self.fn, self.args

    def __call__(self) -> Any:
        if not self.done:
            self.value = self.fn(*(a() if isinstance(a, Lazy) else a for a in self.args))
            self.done = True
        return self.value


def job_context(job: Job) -> dict:
    assert job.context is not None   # a job with a template has its context
    return {name: value() if isinstance(value, Lazy) else value for name, value in job.context.items()}


def plan_site(t: Timeline, base_key: str, ics_event: EventWriter = icalendar_event,
              kept: Kept | None = None, views: Reads | None = None,
              planned: set[str] | None = None) -> list[Job]:
    """Every file of the site, in a fixed order, each page with what its
    template is given. `base_key` digests what every page shares: the
    program, the templates, the settings; each page's key adds what its
    context holds (keys.KeyMaker). `ics_event` writes timeline.ics's events
    (the engine's writer). `kept`: the pieces of the files of one piece
    per entry as the last build made them (pieces.make), to be reused and
    then replaced by this build's. `views`: what each template's pages
    were seen to read, for finer keys (keys.KeyMaker). `planned`, if
    given, gets the names of the entries' attributes that the planning of
    the pages read (not their rendering, nor their keys): an edit of any
    other changes no page's place or context, only what pages show."""
    site, lang = t.settings, t.language
    with _reading(planned):
        listing = split_listing(t.entries, site.page_size, lang)
        where_listed = listed_on(listing)
    # The files of one piece per entry first: each is one long job, best
    # begun early in the pool rather than left to the end.
    jobs: list[Job] = []
    # Pieces read the settings and the language too: both are in base_key.
    shared_key = f"{base_key}\0{KeyMaker(base_key).part(t.sources)}" if kept is not None else ""
    for pieced in entry_files(ics_event):
        lazy = Lazy(make, pieced, t, where_listed, shared_key, kept)
        # Most pieces are kept: joining them here costs less than a trip to
        # a worker, and keeps this build's pieces for the next.
        made: Made | Lazy = lazy() if kept is not None else lazy
        for out in pieced.outputs:
            # Made once for all outputs of a file, when they are made in one process.
            jobs.append(Job(out.path, data=Lazy(Made.output, made, pieced, out)))
    # The search's files, made together wherever the first of them is made.
    searched = Lazy(search_files, t, where_listed, kept)
    if kept is not None:
        searched()   # here, so that this process keeps it for the next build
    for path in search_paths(len(t.entries)):
        jobs.append(Job(path, data=Lazy(dict.__getitem__, searched, path)))
    pages: list[Job] = []

    def page(path: str, template: str, **context: Any) -> None:
        # Keyed once all are planned, so that what planning reads is told apart.
        job = Job(path, None, template, {"site": site, **context})
        jobs.append(job)
        pages.append(job)

    with _reading(planned):
        _plan_pages(t, jobs, page, listing, where_listed)
    keys = KeyMaker(base_key, views)
    for job in pages:
        assert job.template is not None and job.context is not None
        job.key = keys.key(job.path, job.template, job.context)
    return jobs


@contextmanager
def _reading(names: set[str] | None) -> Iterator[None]:
    """Add to `names` the attributes of entries read in the block."""
    if names is None:
        yield
        return
    with Recorder([Entry]) as recorder:
        yield
    names.update(name for _, name in recorder.seen)


def _plan_pages(t: Timeline, jobs: list[Job], page: Callable[..., None], listing: list, where_listed: dict[str, str]) -> None:
    site, lang = t.settings, t.language

    eras = era_views(site.eras, t.entries, where_listed)
    home_groups = Lazy(day_groups, t.entries if not listing else [], lang, eras)
    page("index.html", "index.html", intro_html=t.intro_html, strip=overview(t.entries, where_listed, eras),
         groups=home_groups, listing=listing, nav=Lazy(period_nav, home_groups, lang),
         tags=t.tags, people=t.people, tracks=t.tracks, eras=eras,
         count=len(t.entries), sources=t.sources)
    for part in listing:
        for sub in [part, *part.children]:
            page(sub.path, "listing.html", page=sub, groups=Lazy(day_groups, sub.entries, lang, eras), sources=t.sources,
                 listing=listing)
    for i, entry in enumerate(t.entries):
        previous = t.entries[i - 1] if i else None
        following = t.entries[i + 1] if i + 1 < len(t.entries) else None
        path, context = entry_page(entry, previous, following, where_listed.get(entry.slug, "index.html"), t.sources)
        page(path, "entry.html", **context)
    page("sources/index.html", "sources.html", sources=list(t.sources.values()), citing=t.citing)
    for sid, source in t.sources.items():
        page(f"sources/{sid}.html", "source.html", source=source, view=Lazy(source_view, source, t.marks[sid]),
             citing=t.citing[sid])
    for kind, groups in (("tags", t.tags), ("people", t.people), ("groups", t.tracks)):
        for group in groups:
            page(f"{kind}/{group.name}.html", "group.html", kind=kind, group=group)
    page("figures.html", "figures.html", groups=Lazy(figure_groups, t.entries, t.sources), sources=t.sources)
    page("404.html", "404.html", root=site.base_url or "")
    page("embed.html", "embed.html", entries=t.entries, sources=t.sources)
    for path, (file, found) in t.media_files.items():
        jobs.append(Job(path, digest_text(f"media\0{found}"), data=Lazy(_read_bytes, file)))
    jobs.append(Job(".nojekyll", data=b""))
    if site.base_url:
        recent = sorted(t.entries, key=lambda e: (sort_key(e.updated or e.date), e.path), reverse=True)[:FEED_SIZE]
        page("feed.xml", "feed.xml", entries=recent, updated=_latest(recent))
        # Not the error page, nor the embed page (which asks not to be indexed: it repeats the site).
        html = [href(j.path) for j in jobs if j.path.endswith(".html") and j.path not in ("404.html", "embed.html")]
        page("sitemap.xml", "sitemap.xml", paths=html)


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def entry_page(entry: Entry, previous: Entry | None, following: Entry | None, listed: str,
               sources: dict[str, Source]) -> tuple[str, dict]:
    """The path of an entry's page and what its template is given, but the site."""
    return f"entries/{entry.slug}.html", {
        "entry": entry, "previous": previous, "next": following, "sources": sources,
        "listed_on": href(listed),
    }


def _latest(entries: list[Entry]) -> PartialDate | None:
    dates = [e.updated or e.date for e in entries]
    return max(dates, key=sort_key) if dates else None


def _timeline_json_head(t: Timeline, shared: None) -> str:
    return to_json(to_data(t.settings))[:-1] + ',"entries":[\n'


def _timeline_json_foot(t: Timeline, shared: None) -> str:
    sources = [{**to_data(s), "cited_by": len(t.citing[s.id])} for s in t.sources.values()]
    return '\n],"sources":' + to_json(sources) + "}\n"


# All of it as data; every url relative to the site root.
TIMELINE_JSON = EntryFile("timeline.json", (Output("timeline.json"),), lambda e, a: e.data_json,
                          _timeline_json_head, _timeline_json_foot, between=",\n")


def timeline_json(t: Timeline) -> bytes:
    return whole(TIMELINE_JSON, t)


def search_numbers(t: Timeline, where_listed: dict[str, str]) -> dict[str, dict[str, int]]:
    """Tags, people, groups and listing pages, numbered once: each row
    names them by number. Labels as their groups show them (assemble.groups)."""
    entries = t.entries
    tags = sorted({t for e in entries for t, _ in e.tag_links})
    people = sorted({p for e in entries for p, _ in e.people_links})
    groups = sorted({e.group_link[0] for e in entries if e.group_link})
    pages = sorted(set(where_listed.values()))
    return {name: {v: i for i, v in enumerate(values)}
            for name, values in (("pages", pages), ("tags", tags), ("people", people), ("groups", groups))}


def _search_row(e: Entry, listed: str | None, numbers: dict[str, dict[str, int]], lang: Language) -> list:
    """What a result shows of an entry: slug, title, date, the number of
    the listing page that shows it (-1: the home page), and its href if not
    its own page's."""
    row: list = [e.slug, e.title, lang.short(e.date), numbers["pages"][listed] if listed else -1]
    if e.href != f"entries/{e.slug}.html":
        row.append(e.href)
    return row


# The search data, as classic scripts (file:// pages may not fetch), split
# so that a search loads only the files its words need (data.py says how):
# search-index.js, loaded when the search is first used, and search/*.js.
SEARCH_FACETS = ("tags", "people", "groups")


def search_paths(count: int) -> list[str]:
    """The files of the split index of `count` entries."""
    chunk = entry_chunk(count)
    chunks = (count + chunk - 1) // chunk
    return (["search-index.js"] + [f"search/w{s}.js" for s in range(shard_count(count))]
            + [f"search/e{k}.js" for k in range(chunks)] + [f"search/{name}.js" for name in SEARCH_FACETS])


def search_results_file(t: Timeline, where_listed: dict[str, str], numbers: dict[str, dict[str, int]],
                        number: int) -> tuple[str, bytes]:
    """The file of the split index that shows entry `number`'s result, with
    the results beside it (search_files makes them all); `numbers` as
    search_numbers gives them."""
    lang = t.language
    chunk = entry_chunk(len(t.entries))
    k = number - number % chunk
    rows = [_search_row(e, where_listed.get(e.slug), numbers, lang) for e in t.entries[k:k + chunk]]
    return f"search/e{k // chunk}.js", search_part(f"e{k // chunk}", rows)


def search_files(t: Timeline, where_listed: dict[str, str], kept: Kept | None = None) -> dict[str, bytes]:
    """Every file of the split search index (search_paths), by path. With
    `kept` (a build in a process that built before), the shards are made
    from the last build's by the entries whose words changed, as the quick
    rebuild makes them, when the entries are as many as then."""
    numbers = search_numbers(t, where_listed)
    entries, count = t.entries, len(t.entries)
    files: dict[str, bytes] = {}
    shards = shard_count(count)
    layout = f"{count}\0{shards}"
    was = kept.get(SEARCH_KEPT) if kept is not None else None
    last = was[1] if was is not None and was[0] == layout else {}
    # Each entry's tokens joined by spaces (no token holds one), as kept.
    keys = ["t\0" + e.key_part() for e in entries]
    joined = []
    for e, key in zip(entries, keys):
        known = last.get(key)
        joined.append(known if known is not None else " ".join(search_tokens(e)))
    before = [last.get(f"n\0{i}") for i in range(count)] if last else []
    changed = [i for i in range(count) if before and before[i] != joined[i]]
    if last and len(changed) <= _PATCHED_AT_MOST:
        old = {path[2:]: text.encode("utf-8", "surrogatepass") for path, text in last.items()
               if path.startswith("f\0") and text is not None}
        for i in changed:
            had = before[i]
            old.update(patch_word_shards(old.__getitem__, i, had.split(" ") if had else [],
                                         joined[i].split(" ") if joined[i] else [], count))
        files.update((f"search/w{s}.js", old[f"search/w{s}.js"]) for s in range(shards))
    else:
        for s, shard in enumerate(word_shards([j.split(" ") if j else [] for j in joined], shards)):
            files[f"search/w{s}.js"] = shard_file(s, shard)
    sizes = [len(files[f"search/w{s}.js"]) for s in range(shards)]
    chunk = entry_chunk(count)
    files.update(search_results_file(t, where_listed, numbers, k) for k in range(0, count, chunk))
    held: dict[str, list[list[int]]] = {name: [[] for _ in numbers[name]] for name in SEARCH_FACETS}
    for i, e in enumerate(entries):
        for tag, _ in e.tag_links:
            held["tags"][numbers["tags"][tag]].append(i)
        for person, _ in e.people_links:
            held["people"][numbers["people"][person]].append(i)
        if e.group_link:
            held["groups"][numbers["groups"][e.group_link[0]]].append(i)
    for name in SEARCH_FACETS:
        files[f"search/{name}.js"] = search_part(name, [encode_numbers(sorted(set(n)), count) for n in held[name]])
    head = {"pages": [href(p) for p in numbers["pages"]], "tags": list(numbers["tags"]),
            "people": list(numbers["people"]), "groups": list(numbers["groups"]),
            "count": count, "chunk": chunk}
    files["search-index.js"] = search_head(head, sizes)
    if kept is not None:
        now: dict[str, str | None] = {f"f\0{path}": data.decode("utf-8", "surrogatepass") for path, data in files.items()}
        for i, (key, mine) in enumerate(zip(keys, joined)):
            now[key] = now[f"n\0{i}"] = mine
        kept[SEARCH_KEPT] = (layout, now)
    return files


# Where a build keeps its search index for the next (pieces.Kept), and how
# many entries whose words changed it remakes the shards by, not whole.
SEARCH_KEPT = "search-index.js"
_PATCHED_AT_MOST = 32


def entry_files(ics_event: EventWriter = icalendar_event) -> list[EntryFile]:
    """Every file of the site that holds one piece per entry."""
    return [TIMELINE_JSON, *export_files(ics_event)]
