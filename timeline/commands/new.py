"""`timeline new TITLE [--date DATE]`: a draft entry with every optional
field shown as a comment."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..read.dates import DateError, parse_date
from ..errors import Problems
from ..read.names import slugify
from ..read.settings import load_settings
from .files import CommandError, Planned, write_planned, yaml_text

TEMPLATE = """---
title: {title}
date: {date}
draft: true                  # remove when it has its sources and is ready
sources: []                  # source ids of seeds/sources.yaml; or with the passage that supports the entry:
#  - id: some-source
#    passage: the words of the source, exactly as it has them
# end: {date}                # the event is a span
# approximate: true          # the date is "about"
# display_date: "Early January 2022"   # shown instead of the date
# place: "Almaty"
# group: "Government"        # the track the entry belongs to
# tags: [protests, security forces]
# people: [Kassym-Jomart Tokayev]
# quotes:
#   - text: words somebody said, as the source reports them
#     by: who said them
#     source: some-source
# figures:
#   - what: people arrested
#     value: 3800
#     qualifier: more than
#     unit: people
#     source: some-source
#     passage: more than 3,800 people had been arrested
# media:
#   - file: media/picture.jpg          # inside content/, relative to this file
#     alt: what the picture shows
#     caption: ...
#     credit: ...
# updated: {date}
# corrections:
#   - date: {date}
#     text: What was corrected.
---
What happened, in your own words.
"""


def run(title: str, date: str | None, content: Path, force: bool = False) -> Path:
    """Write the entry; returns its path."""
    if not title.strip():
        raise CommandError("the title is empty: give one, as in new \"What happened\"")
    problems = Problems()
    settings = load_settings(content, str(content), problems)
    if problems.errors:
        raise CommandError(f"{problems.errors[0]}")
    if date is None:
        date = datetime.now(ZoneInfo(settings.timezone)).date().isoformat()
    try:
        parsed = parse_date(date, settings.timezone, settings.language)
    except DateError as exc:
        raise CommandError(f"--date {date}: {exc}") from None
    day = parsed.iso()[:10]
    path = content / f"{day}-{slugify(title)}.md"
    planned = Planned()
    planned.add(path, TEMPLATE.format(title=yaml_text(" ".join(title.split())), date=date))
    write_planned(planned, force=force)
    return path
