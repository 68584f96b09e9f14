#!/usr/bin/env python3
"""Generate a realistic synthetic timeline project (and optionally the same
entries as a Hugo site) for benchmarking.

    python bench/synth.py N OUTDIR [--seed S] [--hugo DIR] [--page-size P]

OUTDIR/content/YYYY/YYYY-MM-DD-slug.md   N entries (front matter + ~500 bytes of Markdown)
OUTDIR/content/_index.md                 settings (title, timezone, base_url) and an introduction
OUTDIR/seeds/*.txt, seeds/sources.yaml   ~50 archived source texts and their metadata

Every passage and quote is a sentence copied from the generated source text,
so the whole project passes `build.py check`. Output depends only on N and
the seed (random.Random(seed); no set or hash ordering is used).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import textwrap
from typing import Any
from datetime import date, timedelta

# --------------------------------------------------------------------------
# Vocabulary

FIRST = """Anna Boris Carla Daniyar Elena Farid Gulnara Hans Ines Jakob Karim Lena
Marat Nadia Oskar Paula Ruslan Sofia Timur Ulla Viktor Wei Yasmin Zhanna Aliya
Bruno Chen Dilnaz Erik Fatima Georg Hana Igor Julia Kemal Laura Miguel Nurlan
Olga Pavel""".split()
LAST = """Abenov Becker Costa Duisenov Eriksen Fischer Garcia Hoffmann Ivanova
Jensen Kaliyev Lopez Meier Nazarbayeva Omarov Petrova Quinn Rossi Sato Tokhtarov
Umarova Volkov Weber Xu Yilmaz Zhakupov Novak Haddad Okafor Lindqvist""".split()
# a few names outside ASCII, as real timelines have them
SPECIAL_PEOPLE = ["Zoë Müller", "José Álvarez", "Ängel Øberg", "Łukasz Żak",
                  "Айгерим Садыкова", "Søren O'Neill", "François Dupré", "Çağla Şahin"]

TAGS = ["protests", "crackdown", "security forces", "elections", "parliament",
        "economy", "energy", "fuel prices", "internet shutdown", "courts",
        "arrests", "media", "press freedom", "opposition", "human rights",
        "curfew", "state of emergency", "diplomacy", "sanctions", "military",
        "police", "corruption", "labour", "strikes", "health", "education",
        "transport", "agriculture", "water", "housing", "migration", "border",
        "environment", "budget", "banking", "technology", "religion", "youth",
        "économie", "права человека"]

PLACES = ["Almaty", "Astana", "Berlin", "Hamburg", "Munich", "Vienna", "Zurich",
          "Geneva", "Warsaw", "Kraków", "Prague", "Brno", "Tallinn", "Riga",
          "Vilnius", "Helsinki", "Oslo", "Bergen", "Lisbon", "Porto", "Seville",
          "Valencia", "Lyon", "Marseille", "Turin", "Naples", "Athens", "Izmir",
          "Tbilisi", "Yerevan", "Baku", "Tashkent", "Bishkek", "Aktobe", "Shymkent"]

PUBLISHERS = ["Daily Ledger", "Morning Post", "Evening Courier", "Radio Free Plains",
              "City Herald", "Wire Service", "Public Broadcaster", "The Observer",
              "Regional Gazette", "Financial Bulletin", "Steppe News", "Harbour Times"]

SUBJ = ["Police", "Protesters", "Lawmakers", "The government", "The court",
        "Opposition leaders", "Workers", "Students", "Farmers", "The central bank",
        "The interior ministry", "Officials", "Residents", "Journalists",
        "The president", "Election monitors", "Doctors", "Teachers",
        "The city council", "Border guards", "Activists", "Energy companies",
        "Miners", "Drivers", "The prosecutor", "Human rights groups"]
VERB = ["announce", "reject", "approve", "block", "protest against", "criticise",
        "suspend", "investigate", "welcome", "demand", "postpone", "extend",
        "challenge", "negotiate", "publish", "lift", "impose", "debate",
        "review", "support", "condemn", "delay"]
VERB_PAST = ["announced", "rejected", "approved", "blocked", "protested against",
             "criticised", "suspended", "investigated", "welcomed", "demanded",
             "postponed", "extended", "challenged", "negotiated", "published",
             "lifted", "imposed", "debated", "reviewed", "supported", "condemned",
             "delayed"]
OBJ = ["fuel price rise", "curfew", "budget", "state of emergency",
       "internet restrictions", "election results", "wage increase",
       "pension reform", "ban on gatherings", "emergency powers",
       "constitutional amendment", "strike", "detention of reporters",
       "corruption inquiry", "tariff changes", "water supply plan",
       "housing programme", "school closures", "transport strike",
       "border closure", "media licences", "arrest warrants",
       "public holiday", "vaccine rollout", "fines for protesters",
       "energy subsidy", "referendum", "rail timetable"]
ADJ = ["sudden", "long-awaited", "controversial", "temporary", "sweeping",
       "limited", "unexpected", "disputed", "modest", "widely criticised",
       "hastily drafted", "unprecedented", "partial", "formal", "second"]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday",
        "over the weekend", "late on Sunday", "early in the morning",
        "after midnight", "at a press conference", "in a televised address",
        "during a closed session", "after weeks of talks", "before dawn"]
CLAUSE = ["according to officials", "witnesses said", "the agency reported",
          "a spokesperson confirmed", "local media reported",
          "people familiar with the matter said", "documents show",
          "the statement said", "organisers said", "the ministry added"]
FILLER = ["The decision drew crowds to the main square within hours.",
          "Several roads into the centre were closed for the rest of the day.",
          "Shops in the old town stayed shut as a precaution.",
          "Mobile networks were slow across the region for several hours.",
          "Observers described the mood as tense but calm.",
          "The figures could not be independently verified.",
          "Earlier statements had given a different account of events.",
          "No official reason was given for the change.",
          "Public transport ran on a reduced timetable.",
          "The measure is due to be reviewed at the end of the month."]
FIG_WHAT = ["people detained", "people injured", "deaths", "protesters",
            "fuel price per litre", "flights cancelled", "security personnel deployed",
            "polling stations"]
FIG_UNIT = {"people detained": "people", "people injured": "people", "deaths": "people",
            "protesters": "people", "fuel price per litre": "KZT",
            "flights cancelled": "flights", "security personnel deployed": "people",
            "polling stations": None}
QUALIFIERS = [None, None, "about", "more than", "at least", "up to"]
FURNITURE = ["Skip to main content", "Menu", "Subscribe for full access",
             "Accept cookies", "Share this article"]


def make_people(rng: random.Random, n: int = 200) -> list[str]:
    names: list[str] = list(SPECIAL_PEOPLE)
    seen = dict.fromkeys(names)
    while len(names) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in seen:
            # keep the pool at n distinct names even when combinations collide
            name = f"{rng.choice(FIRST)} {rng.choice(FIRST)[0]}. {rng.choice(LAST)}"
            if name in seen:
                continue
        seen[name] = None
        names.append(name)
    return names


def sentence(rng: random.Random, people: list[str], curly: bool) -> str:
    k = rng.random()
    apo = "\u2019" if curly else "'"
    if k < 0.35:
        s = (f"{rng.choice(SUBJ)} {rng.choice(VERB_PAST)} the {rng.choice(ADJ)} "
             f"{rng.choice(OBJ)} in {rng.choice(PLACES)} {rng.choice(WHEN)}, "
             f"{rng.choice(CLAUSE)}.")
    elif k < 0.55:
        s = (f"{rng.choice(people)} said the {rng.choice(ADJ)} plan for "
             f"the {rng.choice(OBJ)} would {rng.choice(VERB)} the {rng.choice(OBJ)} "
             f"{rng.choice(WHEN)}.")
    elif k < 0.7:
        n = rng.randrange(12, 9000)
        s = (f"At least {n:,} people gathered in {rng.choice(PLACES)} "
             f"{rng.choice(WHEN)}, {rng.choice(CLAUSE)}.")
    elif k < 0.85:
        s = (f"The city{apo}s {rng.choice(['mayor', 'council', 'police chief', 'prosecutor'])} "
             f"{rng.choice(VERB_PAST)} the {rng.choice(OBJ)} {rng.choice(WHEN)}.")
    else:
        s = rng.choice(FILLER)
    return s


def slugify(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return "-".join(s.split("-")[:7]) or "entry"


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 .,()'\-\u00c0-\u024f\u0400-\u04ff]*$")


def yq(value: str) -> str:
    """A YAML scalar for a string: plain where that is safe, else double-quoted."""
    if (_PLAIN.match(value) and not value.endswith((" ", ".")) and "  " not in value
            and value.lower() not in ("yes", "no", "true", "false", "on", "off", "null", "y", "n")):
        return value
    return json.dumps(value, ensure_ascii=False)


def yflow(items: list[str]) -> str:
    out = []
    for it in items:
        if re.match(r"^[A-Za-z\u00c0-\u024f\u0400-\u04ff][\w .\-\u00c0-\u024f\u0400-\u04ff]*$", it) \
                and it.lower() not in ("yes", "no", "true", "false", "on", "off", "null"):
            out.append(it)
        else:
            out.append(json.dumps(it, ensure_ascii=False))
    return "[" + ", ".join(out) + "]"


# --------------------------------------------------------------------------
# Sources

class Source:
    __slots__ = ("sid", "file", "sentences", "numeric", "text", "meta")


def make_sources(rng: random.Random, people: list[str], n: int = 50) -> list[Source]:
    sources = []
    for i in range(n):
        src = Source()
        pub = PUBLISHERS[i % len(PUBLISHERS)]
        src.sid = f"{slugify(pub)}-{i:02d}"
        src.file = f"{i:03d}_{rng.getrandbits(64):016x}.txt"
        curly = i % 3 == 0
        lines: list[str] = []
        furniture = None
        if i % 5 == 1:
            lines += rng.sample(FURNITURE, 2) + [""]
            furniture = "[1-2]"
        sents: list[str] = []
        nparas = rng.randrange(8, 14)
        for _ in range(nparas):
            para = [sentence(rng, people, curly) for _ in range(rng.randrange(3, 7))]
            sents.extend(para)
            # captured texts are often hard-wrapped; matching ignores white space
            if i % 2 == 0:
                lines.extend(textwrap.wrap(" ".join(para), width=78,
                                           break_on_hyphens=False, break_long_words=False))
            else:
                lines.append(" ".join(para))
            lines.append("")
        src.text = "\n".join(lines).rstrip("\n") + "\n"
        # distinct sentences only, in a fixed order
        src.sentences = list(dict.fromkeys(sents))
        src.numeric = []
        for x in src.sentences:
            m = re.match(r"At least ([0-9,]+) people gathered", x)
            if m:
                src.numeric.append((x, int(m.group(1).replace(",", ""))))
        year = rng.randrange(2015, 2025)
        title = f"{rng.choice(SUBJ)} {rng.choice(VERB_PAST)} the {rng.choice(OBJ)}"
        meta = [f"{src.sid}:",
                f"  file: {src.file}",
                f"  publisher: {yq(pub)}",
                f"  title: {yq(title)}",
                f"  published: {year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                f"  url: https://news.example.com/{year}/{slugify(title)}-{i}"]
        if i % 4 == 0:
            meta.append(f"  author: {yq(rng.choice(people))}")
        if i % 6 == 0:
            meta.append(f"  captured: {year + 1}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}")
            meta.append(f"  archive_url: https://archive.example.org/web/{year + 1}/{src.sid}")
        if i % 5 == 0:
            meta.append("  archive: full")
        if furniture:
            meta.append(f"  furniture: {furniture}")
        src.meta = "\n".join(meta)
        sources.append(src)
    return sources


# --------------------------------------------------------------------------
# Entries

class Entry:
    __slots__ = ("year", "datestr", "hugo_date", "end", "title", "slug", "relpath",
                 "tags", "people", "sources", "quotes", "fm", "body")


def make_dates(rng: random.Random, n: int, first_year: int, years: int):
    start = date(first_year, 1, 1)
    span_days = (date(first_year + years, 1, 1) - start).days
    out = []
    for _ in range(n):
        d = start + timedelta(days=rng.randrange(span_days))
        k = rng.random()
        end = None
        if k < 0.80:
            ds, hd = d.isoformat(), d.isoformat()
        elif k < 0.90:
            # times between 08:00 and 20:59 never fall into a DST gap
            hh, mm = rng.randrange(8, 21), rng.randrange(0, 60, 5)
            ds = f"{d.isoformat()}T{hh:02d}:{mm:02d}"
            hd = ds + ":00"
        elif k < 0.96:
            d = d.replace(day=1)
            ds, hd = f"{d.year}-{d.month:02d}", d.isoformat()
        else:
            ds, hd = d.isoformat(), d.isoformat()
            end = (d + timedelta(days=rng.randrange(1, 30))).isoformat()
        out.append((d, ds, hd, end))
    return out


def body_text(rng: random.Random, people: list[str], link: str) -> str:
    paras = []
    p1 = " ".join(sentence(rng, people, False) for _ in range(2))
    paras.append(p1)
    if rng.random() < 0.3:
        items = [f"- {rng.choice(SUBJ)} {rng.choice(VERB_PAST)} the {rng.choice(OBJ)}"
                 for _ in range(3)]
        paras.append("\n".join(items))
    p2 = f"{sentence(rng, people, False)} See {link} for the background."
    paras.append(p2)
    if rng.random() < 0.5:
        paras.append(f"*{rng.choice(FILLER)}*")
    text = "\n\n".join(paras)
    # aim at roughly 500 bytes
    while len(text.encode()) < 430:
        text += " " + rng.choice(FILLER)
    return text + "\n"


def generate(n: int, outdir: str, seed: int = 1, hugo: str | None = None,
             page_size: int | None = None, first_year: int = 2015, years: int = 10,
             hugo_same: str | None = None) -> None:
    """A synthetic timeline of n entries in outdir (content/, seeds/); the
    same entries as a Hugo site of their pages alone in `hugo`, and with
    the same kinds of files as ours in `hugo_same` (write_hugo)."""
    rng = random.Random(seed)
    people = make_people(rng)
    sources = make_sources(rng, people)
    by_id = {s.sid: s for s in sources}

    content = os.path.join(outdir, "content")
    seeds = os.path.join(outdir, "seeds")
    for d in (content, seeds):
        if os.path.exists(d):
            shutil.rmtree(d)
        os.makedirs(d)

    # seeds
    for s in sources:
        with open(os.path.join(seeds, s.file), "w", encoding="utf-8", newline="\n") as f:
            f.write(s.text)
    with open(os.path.join(seeds, "sources.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# synthetic sources generated by bench/synth.py\n")
        f.write("\n".join(s.meta for s in sources) + "\n")

    # settings
    with open(os.path.join(content, "_index.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("---\n")
        f.write(f"title: Synthetic timeline of {n} events\n")
        f.write("description: Generated by bench/synth.py for benchmarking\n")
        f.write("timezone: Europe/Berlin\n")
        f.write("base_url: https://example.org/timeline/\n")
        if page_size:
            f.write(f"page_size: {page_size}\n")
        f.write("---\n")
        f.write("A synthetic timeline used to measure build times. Every passage and\n"
                "quote is copied from the archived sources in `seeds/`.\n")

    # entry skeletons first (so bodies can link to other entries)
    dates = make_dates(rng, n, first_year, years)
    entries: list[Entry] = []
    slugs: dict[str, None] = {}
    for d, ds, hd, end in dates:
        e = Entry()
        e.year = d.year
        e.datestr, e.hugo_date, e.end = ds, hd, end
        title = (f"{rng.choice(SUBJ)} {rng.choice(VERB_PAST)} the {rng.choice(ADJ)} "
                 f"{rng.choice(OBJ)} in {rng.choice(PLACES)}")
        e.title = title
        base = f"{d.isoformat()}-{slugify(title)}"
        slug, k = base, 2
        while slug in slugs:
            slug, k = f"{base}-{k}", k + 1
        slugs[slug] = None
        e.slug = slug
        e.relpath = f"{d.year}/{slug}.md"
        entries.append(e)

    year_dirs = sorted({str(e.year) for e in entries})
    for y in year_dirs:
        os.makedirs(os.path.join(content, y), exist_ok=True)

    for idx, e in enumerate(entries):
        e.tags = rng.sample(TAGS, 3)
        e.people = rng.sample(people, 2)
        s1, s2 = rng.sample(sources, 2)
        lines = ["---", f"title: {yq(e.title)}", f"date: {e.datestr}"]
        if e.end:
            lines.append(f"end: {e.end}")
        if rng.random() < 0.03:
            lines.append("approximate: true")
        if rng.random() < 0.7:
            lines.append(f"place: {yq(rng.choice(PLACES))}")
        lines.append(f"tags: {yflow(e.tags)}")
        lines.append(f"people: {yflow(e.people)}")
        lines.append("sources:")
        for s in (s1, s2):
            passage = rng.choice(s.sentences)
            if "\u2019" in passage and rng.random() < 0.5:
                passage = passage.replace("\u2019", "'")   # straight vs curly: must still match
            lines.append(f"  - id: {s.sid}")
            lines.append(f"    passage: {yq(passage)}")
        qs = rng.choice((s1, s2))
        qtext = rng.choice(qs.sentences)
        words = qtext.split()
        if len(words) > 10 and rng.random() < 0.1:
            qtext = " ".join(words[:4]) + " ... " + " ".join(words[-4:])
        qby = rng.choice(e.people)
        lines += ["quotes:", f"  - text: {yq(qtext)}", f"    by: {yq(qby)}", f"    source: {qs.sid}"]
        e.sources, e.quotes = [s1.sid, s2.sid], [{"text": qtext, "by": qby, "source": qs.sid}]
        if rng.random() < 0.15:
            fs = rng.choice((s1, s2))
            numeric = [x for x in fs.numeric if x]
            if numeric and rng.random() < 0.7:
                # the figure the passage states: "At least 4,256 people gathered ..."
                passage, value = rng.choice(numeric)
                lines += ["figures:", "  - what: protesters", f"    value: {value}",
                          "    qualifier: at least", "    unit: people",
                          f"    source: {fs.sid}", f"    passage: {yq(passage)}"]
            else:
                what = rng.choice(FIG_WHAT)
                lines += ["figures:", f"  - what: {yq(what)}",
                          f"    value: {rng.randrange(3, 5000)}"]
                q = rng.choice(QUALIFIERS)
                if q:
                    lines.append(f"    qualifier: {q}")
                if FIG_UNIT[what]:
                    lines.append(f"    unit: {FIG_UNIT[what]}")
                lines.append(f"    source: {fs.sid}")
        if rng.random() < 0.02:
            lines.append(f"updated: {e.hugo_date[:10]}")
        lines.append("---")
        e.fm = "\n".join(lines) + "\n"

        if rng.random() < 0.2 and n > 1:
            other = entries[rng.randrange(n)]
            if other is e:
                other = entries[(idx + 1) % n]
            target = (other.slug + ".md" if other.year == e.year
                      else f"../{other.year}/{other.slug}.md")
            link = f"[an earlier report]({target})"
        else:
            link = f"[the original report](https://news.example.com/story/{rng.randrange(10**6)})"
        e.body = body_text(rng, people, link)
        with open(os.path.join(content, e.relpath), "w", encoding="utf-8", newline="\n") as f:
            f.write(e.fm)
            f.write("\n")
            f.write(e.body)

    if hugo:
        write_hugo(hugo, n, entries)
    if hugo_same:
        write_hugo(hugo_same, n, entries, same=True)


# --------------------------------------------------------------------------
# Hugo

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ .Content }}
<p>Tags: {{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
<p>People: {{ range .Params.people }}<a href="{{ "people/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
</article>
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
    "_default/term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range (where .Site.RegularPages "Section" "posts").ByDate }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
{{ end }}
""",
}

HUGO_CONFIG = """baseURL = "https://example.org/timeline/"
languageCode = "en"
title = "Synthetic timeline of {n} events"
timeZone = "Europe/Berlin"
disableKinds = ["robotsTXT"]

[taxonomies]
  tag = "tags"
  person = "people"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]

[markup.goldmark.renderer]
  unsafe = false
"""


# The same kinds of files as our build makes, for write_hugo(same=True):
# an archive page per month and a page per source (taxonomies), each
# entry's quotes, sources and neighbours on its page, and files of one
# piece per entry made from the home page (a search index, a calendar, a
# spreadsheet, a TimelineJS file, an embed page of every entry's card).
HUGO_SAME_LAYOUTS = {
    "_default/single.html": HUGO_LAYOUTS["_default/single.html"].replace("{{ .Content }}", """{{ .Content }}
{{ range .Params.quotes }}<blockquote><p>{{ .text }}</p><footer>{{ .by }},
<a href="{{ "sources/" | relURL }}{{ .source | urlize }}/">{{ .source }}</a></footer></blockquote>{{ end }}
<p>Sources: {{ range .Params.sources }}<a href="{{ "sources/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}"""),
    "index.searchindex.json": """[{{ range $i, $p := .Site.RegularPages }}{{ if $i }},{{ end }}
{{ dict "t" $p.Title "u" $p.RelPermalink "d" ($p.Date.Format "2006-01-02") "g" $p.Params.tags "p" $p.Params.people "x" $p.Plain | jsonify }}{{ end }}]
""",
    "index.calendar.ics": """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//bench//synth//EN
{{ range .Site.RegularPages }}BEGIN:VEVENT
UID:{{ .File.UniqueID }}@example.org
DTSTART;VALUE=DATE:{{ .Date.Format "20060102" }}
SUMMARY:{{ .Title }}
DESCRIPTION:{{ .Summary | plainify | truncate 200 }}
URL:{{ .Permalink }}
END:VEVENT
{{ end }}END:VCALENDAR
""",
    "index.csv.csv": """Year,Month,Day,Headline,Text,Tags,People
{{ range .Site.RegularPages }}{{ .Date.Format "2006" }},{{ .Date.Format "1" }},{{ .Date.Format "2" }},"{{ replace .Title `"` `""` }}","{{ replace .Content `"` `""` }}","{{ delimit .Params.tags "; " }}","{{ delimit .Params.people "; " }}"
{{ end }}""",
    "index.tljs.json": """{{ $events := slice }}{{ range .Site.RegularPages }}{{ $events = $events | append (dict "start_date" (dict "year" (.Date.Format "2006") "month" (.Date.Format "1") "day" (.Date.Format "2")) "text" (dict "headline" .Title "text" .Content)) }}{{ end }}{{ dict "title" (dict "text" (dict "headline" .Site.Title)) "events" $events | jsonify }}
""",
    "index.embed.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><ol>
{{ range .Site.RegularPages }}<li><article><h2><a href="{{ .Permalink }}">{{ .Title }}</a></h2>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
<p>{{ .Summary | plainify | truncate 200 }}</p></article></li>
{{ end }}</ol></body></html>
""",
}

HUGO_SAME_CONFIG = HUGO_CONFIG.replace("""  person = "people"
""", """  person = "people"
  month = "months"
  source = "sources"
""").replace('home = ["HTML", "RSS"]', 'home = ["HTML", "RSS", "SearchIndex", "Calendar", "CSV", "TLJS", "Embed"]') + """
[outputFormats.SearchIndex]
  mediaType = "application/json"
  baseName = "search-index"
  isPlainText = true
[outputFormats.TLJS]
  mediaType = "application/json"
  baseName = "timelinejs"
  isPlainText = true
[outputFormats.Embed]
  mediaType = "text/html"
  baseName = "embed"
  isHTML = true
"""


def write_hugo(hdir: str, n: int, entries: list[Entry], same: bool = False) -> None:
    """The entries as a Hugo site: its pages alone, or with `same` the same
    kinds of files as our build makes (HUGO_SAME_LAYOUTS)."""
    if os.path.exists(hdir):
        shutil.rmtree(hdir)
    posts = os.path.join(hdir, "content", "posts")
    os.makedirs(posts)
    with open(os.path.join(hdir, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write((HUGO_SAME_CONFIG if same else HUGO_CONFIG).format(n=n))
    for rel, text in {**HUGO_LAYOUTS, **(HUGO_SAME_LAYOUTS if same else {})}.items():
        p = os.path.join(hdir, "layouts", rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
    for e in entries:
        fm = ["---", f"title: {json.dumps(e.title, ensure_ascii=False)}",
              f"date: {e.hugo_date}",
              f"tags: {json.dumps(e.tags, ensure_ascii=False)}",
              f"people: {json.dumps(e.people, ensure_ascii=False)}"]
        if same:
            fm += [f"months: [{json.dumps(e.hugo_date[:7])}]",
                   f"sources: {json.dumps(e.sources)}",
                   f"quotes: {json.dumps(e.quotes, ensure_ascii=False)}"]
        fm += ["---", ""]
        with open(os.path.join(posts, e.slug + ".md"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(fm))
            f.write("\n")
            f.write(e.body)


def loaded_timeline(n: int, outdir: str, language: str | None = None) -> Any:
    """Generate N entries in `outdir` (in `language`, if given) and load
    them as a build does, in this process: the timeline of whichever
    checkout of the program is first on sys.path (its modules are imported
    here, not at the top, so that a caller may choose it)."""
    from pathlib import Path

    from timeline.model.assemble import Folders, load_timeline
    from timeline.speedups import FastEngine

    generate(n, outdir, seed=1)
    if language:
        index = Path(outdir, "content", "_index.md")
        text = index.read_text("utf-8") if index.exists() else "---\n---\n"
        index.write_text(text.replace("---\n", f"---\nlanguage: {language}\n", 1), "utf-8")
    folders = Folders(Path(outdir, "content"), Path(outdir, "seeds"), "content", "seeds")
    engine = FastEngine(None, 1)
    timeline, problems = load_timeline(folders, engine=engine, memory=engine.open_memory())
    assert timeline is not None, problems.sorted()[:3]
    return timeline


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of entries")
    ap.add_argument("outdir", help="project folder to write content/ and seeds/ into")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hugo", metavar="DIR", help="also write the same entries as a Hugo site in DIR")
    ap.add_argument("--page-size", type=int, default=None,
                    help="write page_size into content/_index.md (default: leave the default)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    generate(args.n, args.outdir, seed=args.seed, hugo=args.hugo, page_size=args.page_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
