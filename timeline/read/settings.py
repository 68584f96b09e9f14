"""The timeline's own settings: the front matter of content/_index.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, ClassVar
from pathlib import Path

from . import yamlread
from .dates import DateError, PartialDate, validate_timezone
from ..errors import ContentError, Problems
from .fields import Fields
from .records import read_items
from .schema import derived, key, known_keys, read_declared
from .yamlread import YMap

@dataclass(frozen=True, kw_only=True)
class Era:
    """A named period, drawn behind the timeline."""

    WHAT: ClassVar[str] = "an era"
    LINE_FROM: ClassVar[tuple[str, ...]] = ()

    title: str = key("text", required=True)
    date: PartialDate = key("date", required=True)
    end: PartialDate = key("date", required=True)
    line: int = derived(default=1)

    @staticmethod
    def check_read(values: dict[str, Any], f: Fields, line: int) -> bool:
        date, end = values["date"], values["end"]
        if end.last() < date.start():
            f.fail("end", f'the era\'s "end" ({end.iso()}) is before its "date" ({date.iso()})')
            return False
        return True

    def holds(self, date: PartialDate) -> bool:
        """Whether a date's start falls within the era."""
        return self.date.start() <= date.start() <= self.end.last()


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The timeline's settings: the keys of _index.md's front matter
    (declared with `key`, in the order timeline.json gives them)."""

    WHAT: ClassVar[str] = "the settings"

    title: str = key("text", default="Timeline")
    description: str | None = key("text")
    language: str = key("text", default="en")
    timezone: str = key("custom", default="UTC")
    base_url: str | None = key("url")
    page_size: int = key("custom", default=500, json=False)
    eras: list[Era] = key("custom", default_factory=list)
    intro: str = derived(default="")          # Markdown of _index.md's body
    intro_line: int = derived(default=1)
    language_line: int = derived(default=1)   # where `language` is set, for what is said of it


def load_settings(content_dir: Path, shown_dir: str, problems: Problems, base_url: str | None = None,
                  load_yaml: yamlread.LoadYaml = yamlread.load) -> Settings:
    path = os.path.join(shown_dir, "_index.md")
    file = content_dir / "_index.md"
    settings = Settings()
    if file.is_file():
        settings = _read(file, path, problems, load_yaml) or settings
    if base_url is not None:
        settings = replace(settings, base_url=base_url)
    if settings.base_url and not settings.base_url.endswith("/"):
        settings = replace(settings, base_url=settings.base_url + "/")
    return settings


def _read(file: Path, path: str, problems: Problems, load_yaml: yamlread.LoadYaml) -> Settings | None:
    try:
        text = yamlread.read_text(file.read_bytes(), path)
        if not text.startswith("---"):
            return Settings(intro=text)
        front, body, body_line = yamlread.split_front_matter(text, path)
        data = load_yaml(front, path, first_line=2)
    except ContentError as exc:
        problems.add(exc)
        return None
    if data is None:
        return Settings(intro=body, intro_line=body_line)
    if not isinstance(data, YMap):
        problems.error(path, 2, "the front matter must be a mapping of settings")
        return None
    f = Fields(data, path, Settings.WHAT, known_keys(Settings), problems)
    values = read_declared(Settings, f, "UTC", None)
    f.language = values.get("language") or "en"
    timezone = f.text("timezone") or "UTC"
    try:
        validate_timezone(timezone)
    except DateError as exc:
        f.fail("timezone", f'"timezone": {exc}')
        timezone = "UTC"
    page_size = f.number("page_size")
    if page_size is not None and (not isinstance(page_size, int) or page_size < 1):
        f.fail("page_size", '"page_size" must be a whole number of at least 1')
        page_size = None
    eras = list(read_items(f, "eras", Era, timezone, problems))
    return Settings(timezone=timezone, page_size=page_size or 500, eras=eras, intro=body, intro_line=body_line,
                    language_line=f.line("language") if "language" in data else 1, **values)
