"""`build.py init [DIR]`: a new, empty timeline project that builds at once."""

from __future__ import annotations

from pathlib import Path

from ..i18n import LanguageError, parse_tag
from .files import CommandError, Planned, write_planned

INDEX = """---
# The timeline's settings (CONTRACT.md section 3). Replace the title.
title: "A new timeline"
# The IANA zone the entries' times are in, e.g. Europe/Berlin or Asia/Almaty.
timezone: UTC
# The site's language, a BCP 47 tag such as de, pt-BR, kk or ar: its words,
# dates and numbers (CONTRACT.md section 7).
language: {language}
# description: "One sentence on what the timeline covers."
# base_url: https://example.org/my-timeline/   # where it will be hosted: needed for the feed and sitemap
# eras:                                        # named periods, drawn behind the timeline
#   - title: "The first months"
#     date: 2022-01
#     end: 2022-06
---
Write the introduction here: what the timeline covers, who keeps it, and
how its sources were chosen. It is Markdown, shown on the home page.

Add an entry with `python build.py new "What happened"`, or bring a
spreadsheet in with `python build.py import events.csv`.
"""

SOURCES = """# The archived sources, keyed by source id (CONTRACT.md section 2).
# Keep each source's text, byte for byte as captured, in this folder, and
# describe it here; entries cite it by its id.
#
# example-news-2022-01-07:
#   file: example-news-2022-01-07.txt
#   publisher: Example News
#   title: "The headline as published"
#   published: 2022-01-07
#   url: https://example.org/news/the-article
#   archive: excerpts        # or full, if you may republish the whole text
"""

GITIGNORE = """# Made by build.py: the site and the build cache.
site/
.cache/
"""


def run(folder: Path, language: str = "en") -> list[Path]:
    """Make the project in `folder`, its site in `language` (a tag CLDR
    knows); returns the files written."""
    try:
        parse_tag(language)
    except LanguageError as exc:
        raise CommandError(f"{exc} (--language)") from None
    held = [name for name in ("content", "seeds", ".gitignore") if (folder / name).exists()]
    if held:
        raise CommandError(f"{folder} already holds {', '.join(held)}: init makes a new project in a folder "
                           "without them (give another folder: build.py init my-timeline)")
    planned = Planned()
    planned.add(folder / "content" / "_index.md", INDEX.replace("{language}", language.strip()))
    planned.add(folder / "seeds" / "sources.yaml", SOURCES)
    planned.add(folder / ".gitignore", GITIGNORE)
    write_planned(planned, force=False)
    return list(planned.files)
