"""`timeline init [DIR]`: a new, empty timeline project that builds at once,
and stands alone: it needs nothing but the installed package, which its
requirements.txt names, to be built, previewed and published on GitHub Pages
(CONTRACT.md section 9)."""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..read.i18n import LanguageError, parse_tag
from .files import CommandError, Planned, write_planned

DISTRIBUTION = "sourced-timeline"

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

Add an entry with `timeline new "What happened"`, or bring a
spreadsheet in with `timeline import events.csv`.
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

GITIGNORE = """# Made by the build: the site, the build cache, and what a build stopped
# midway leaves beside the site (removed by the next build).
site/
.cache/
.site.*
"""


REQUIREMENTS = """# What builds this timeline: `pip install -r requirements.txt`.
# The version that made the project; raise it to take a newer one.
{distribution}=={version}
"""

README = """# {name}

A sourced timeline: every quote and passage in it is checked, word for word,
against an archived copy of its source before the site is built.

## Set up

With Python 3.11 or newer:

```sh
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt      # installs the `timeline` command
. .venv/bin/activate                           # puts it on the PATH of this shell
```

## Write

- `content/_index.md`: the timeline's title, time zone and introduction.
- `timeline new "What happened" --date 2031-02-14` writes a draft entry in
  `content/`; fill in its fields, cite its sources, remove `draft: true`.
- `timeline import events.csv` turns a spreadsheet (saved as CSV) into entries.
- `timeline capture https://www.example.org/news/the-article` archives a web
  page as a source in `seeds/` and describes it in `seeds/sources.yaml`.

## Build and preview

```sh
timeline build                 # writes site/; open site/index.html
timeline build --drafts        # the drafts too, marked
timeline serve --drafts        # http://127.0.0.1:8000/, rebuilt at every save
timeline check                 # checks everything, writes nothing
```

A quote or passage that is not in its source stops the build with
`PATH:LINE: error: ...` and the source's nearest words.

## Publish on GitHub Pages

1. Put this folder in a GitHub repository and push it (`site/` and `.cache/`
   are left out by `.gitignore`).
2. In the repository's settings, set *Pages > Source* to *GitHub Actions*.
3. Every push to `main` runs `.github/workflows/pages.yml`: it installs
   `requirements.txt`, builds the site with the repository's Pages address as
   its base URL (for the feed and the sitemap) and publishes it.

The archived texts in `seeds/` are part of the repository: keep third-party
captures in a private repository, or out of what you publish.
"""

WORKFLOW = """# Build the timeline and publish it on GitHub Pages.
# In the repository's settings, set Pages > Source to "GitHub Actions".
name: Publish the timeline

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip
      - id: pages
        uses: actions/configure-pages@v5
      - name: Install the generator
        run: python -m pip install -r requirements.txt
      - name: Build the site
        run: timeline build --no-cache --base-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

# What init writes besides content/ and seeds/; a folder holding any of
# these (or content/, seeds/) is refused, so nothing is replaced.
MADE = (".gitignore", "requirements.txt", "README.md", ".github/workflows/pages.yml")


def run(folder: Path, language: str = "en") -> list[Path]:
    """Make the project in `folder`, its site in `language` (a tag CLDR
    knows); returns the files written."""
    try:
        parse_tag(language)
    except LanguageError as exc:
        raise CommandError(f"{exc} (--language)") from None
    held = [name for name in ("content", "seeds", *MADE) if (folder / name).exists()]
    if held:
        raise CommandError(f"{folder} already holds {', '.join(held)}: init makes a new project in a folder "
                           "without them (give another folder: init my-timeline)")
    name = folder.resolve().name or "A timeline"
    planned = Planned()
    planned.add(folder / "content" / "_index.md", INDEX.replace("{language}", language.strip()))
    planned.add(folder / "seeds" / "sources.yaml", SOURCES)
    planned.add(folder / ".gitignore", GITIGNORE)
    planned.add(folder / "requirements.txt", REQUIREMENTS.format(distribution=DISTRIBUTION, version=__version__))
    planned.add(folder / "README.md", README.format(name=name))
    planned.add(folder / ".github" / "workflows" / "pages.yml", WORKFLOW)
    write_planned(planned, force=False)
    return list(planned.files)
