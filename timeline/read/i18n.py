"""The site's language (contract, section 7): the `language` setting checked
against CLDR, the catalogue of the site's own strings, and dates, times,
numbers and plural forms as CLDR writes them in that language.

Strings come from the bundled catalogue of the language
(timeline/catalogues/LANG.yaml), overridden by the project's own
i18n/LANG.yaml beside its content folder, then English. Everything is
worked out at build time: the pages ship no locale data.

Plain `en` keeps the site's long-standing English forms ("Friday 7 January
2022", "7 Jan 2022", "3,800"); every other tag, `en-US` included, gets
CLDR's."""

from __future__ import annotations

import difflib
import json
import functools
import os
import re
import string
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import (PATTERN_CHAR_ORDER, DateTimeFormat, DateTimePattern, format_skeleton, format_time,
                         get_timezone_name, match_skeleton, parse_pattern)
from babel.localedata import locale_identifiers
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from . import yamlread
from .dates import PartialDate
from ..errors import ContentError, Problems
from ..hashing import digest
from .yamlread import YMap

__all__ = ["Language", "LanguageError", "BUNDLED_CATALOGUES", "load_language", "bundled_language", "parse_tag", "english_catalogue",
           "bundled_languages", "catalogue_keys"]

_Day = date   # the type, by a name the methods named `date` do not hide
BUNDLED_CATALOGUES = Path(__file__).resolve().parents[1] / "catalogues"
ENGLISH = "en"
# The plain English of the site before it spoke other languages: the words
# between the dates of a span, kept so that an `en` site does not change.
_LEGACY_SPAN = " to "
_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# The site's own words inside a rendered body are written by the page, in
# its language (`localized`): a body is checked and cached once, whatever
# the language. LABEL holds a key; IMAGE wraps a picture's alt text.
LABEL = "\x00label:{}\x00"
IMAGE_START, IMAGE_END = "\x00image\x00", "\x00/image\x00"


class LanguageError(ValueError):
    """A language tag CLDR does not know; the message names the closest."""


# ---- the tag --------------------------------------------------------------

def parse_tag(tag: str) -> Locale:
    """The CLDR locale of a BCP 47 tag (`de`, `pt-BR`, `zh-Hans`), or a
    LanguageError naming the closest tag, by tag or by the language's
    English or own name (`german`, `deutsch` -> `de`)."""
    text = tag.strip()
    try:
        if text and all(part.isalnum() and part.isascii() for part in text.split("-")):
            return Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        pass
    close = _closest_tag(text)
    hint = f': did you mean "{close}"?' if close else ": use a BCP 47 tag such as de, pt-BR or zh-Hans"
    raise LanguageError(f'unknown language "{tag}"{hint}')


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Lower-case tag, English name and own name -> tag, for every CLDR
    language (regional variants too, by their tag)."""
    names: dict[str, str] = {}
    for ident in sorted(locale_identifiers()):
        tag = ident.replace("_", "-")
        names.setdefault(tag.lower(), tag)
        if "_" in ident:
            continue
        try:
            locale = Locale.parse(ident)
        except (UnknownLocaleError, ValueError):
            continue
        for name in (locale.get_language_name("en"), locale.get_language_name(locale)):
            if name:
                names.setdefault(name.casefold(), tag)
    return names


def _closest_tag(text: str) -> str | None:
    names = _names()
    wanted = text.casefold().replace("_", "-").strip()
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


# ---- catalogues -----------------------------------------------------------

Strings = dict[str, "str | dict[str, str]"]


def _read_catalogue(file: Path, shown: str, problems: Problems,
                    load_yaml: yamlread.LoadYaml = yamlread.load) -> YMap | None:
    """A catalogue file read with the line of each key; None on a problem
    (reported)."""
    try:
        text = yamlread.read_text(file.read_bytes(), shown)
        data = load_yaml(text, shown)
    except ContentError as exc:
        problems.add(exc)
        return None
    if data is None:
        return YMap()
    if not isinstance(data, YMap):
        problems.error(shown, 1, "a catalogue is a mapping of keys to texts (key: text)")
        return None
    return data


def _checked(data: YMap, shown: str, english: Strings, plural_tags: frozenset[str], problems: Problems) -> Strings:
    """The strings of a catalogue whose keys and shapes are English's."""
    out: Strings = {}
    known = list(english)
    for key, value in data.items():
        line = data.line_of(key)
        if key not in english:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = f'; did you mean "{close[0]}"?' if close else "; the keys are listed in the README"
            problems.error(shown, line, f'unknown key "{key}" in the catalogue{hint}')
            continue
        needed = sorted(plural_tags | {"other"}, key=_CATEGORIES.index)
        if isinstance(english[key], dict):
            if not isinstance(value, YMap):
                problems.error(shown, line, f'"{key}" has plural forms: write them as a mapping of {", ".join(needed)}')
                continue
            forms: dict[str, str] = {}
            for category, text in value.items():
                if category not in _CATEGORIES:
                    problems.error(shown, value.line_of(category),
                                   f'"{category}" in "{key}" is not a plural category (one of {", ".join(_CATEGORIES)})')
                elif not isinstance(text, str):
                    problems.error(shown, value.line_of(category), f'"{key}" {category} must be text')
                else:
                    forms[category] = text
            lacking = [c for c in needed if c not in forms]
            if lacking:
                problems.warning(shown, line, f'"{key}" lacks the plural forms {", ".join(lacking)} that the language '
                                              f'uses: "other" stands in for them')
            out[key] = forms
        elif not isinstance(value, str):
            problems.error(shown, line, f'"{key}" must be text')
        else:
            out[key] = value
    return out


@functools.lru_cache(maxsize=None)
def _bundled(name: str, load_yaml: yamlread.LoadYaml = yamlread.load) -> tuple[tuple[str, str | dict[str, str]], ...] | None:
    """A bundled catalogue's strings (read once per process), or None.
    `load_yaml`: the reader of YAML to use (the engine's)."""
    file = BUNDLED_CATALOGUES / f"{name}.yaml"
    if not file.is_file():
        return None
    problems = Problems()
    data = _read_catalogue(file, f"catalogues/{name}.yaml", problems, load_yaml)
    if data is None or problems.items:
        raise RuntimeError(f"the bundled catalogue {name}.yaml is broken: {problems.items}")
    return tuple((k, dict(v) if isinstance(v, dict) else v) for k, v in data.items())


def _fresh(pairs: Iterable[tuple[str, str | dict[str, str]]]) -> Strings:
    """A catalogue's strings as a new dict (plural forms copied too: the
    bundled ones are read once and shared)."""
    return {k: dict(v) if isinstance(v, dict) else v for k, v in pairs}


def english_catalogue(load_yaml: yamlread.LoadYaml = yamlread.load) -> Strings:
    return _fresh(_bundled(ENGLISH, load_yaml) or ())


def catalogue_keys() -> list[str]:
    """Every key a catalogue may hold, in the English catalogue's order."""
    return list(english_catalogue())


def bundled_languages() -> list[str]:
    return sorted(p.stem for p in BUNDLED_CATALOGUES.glob("*.yaml"))


def _candidates(tag: str, locale: Locale) -> list[str]:
    """Catalogue names for a tag, most specific first: `pt-BR` then `pt`;
    `zh` and `zh-CN` by their script, `zh-Hans`."""
    script = locale.script or _likely_script(locale.language)
    names = [tag]
    if script and locale.territory:
        names.append(f"{locale.language}-{script}-{locale.territory}")
    if locale.territory:
        names.append(f"{locale.language}-{locale.territory}")
    if script:
        names.append(f"{locale.language}-{script}")
    names.append(locale.language)
    seen: list[str] = []
    for n in names:
        if n not in seen and n != locale.language:
            seen.append(n)
    return seen + [locale.language]


def _likely_script(language: str) -> str | None:
    likely = get_global("likely_subtags").get(language)
    if likely:
        parts = likely.split("_")
        for part in parts[1:]:
            if len(part) == 4 and part.isalpha():
                return part
    return None


try:  # markupsafe's own escaping, in C, giving plain text
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # pragma: no cover - markupsafe without its speedups
    def _escape_str(text: str, /) -> str:
        return str(escape(text))


def escaped(value: object) -> str:
    """str(markupsafe.escape(value)), for HTML put together as plain text:
    a str without the Markup object escape wraps it in (a Python-level
    constructor), which such text would only take apart again."""
    return _escape_str(value) if type(value) is str else str(escape(value))


class _Unfilled(dict):
    """Values by name; a name not given stays as written, {name}."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


# ---- the language ---------------------------------------------------------

@dataclass(eq=False)
class Language:
    """The site's language: its CLDR locale and its strings. Templates call
    `t` (text, marked lang="en" where it fell back to English in a site of
    another language), `t_plain` (attributes, titles, options) and the
    date and number methods."""

    tag: str
    locale: Locale
    strings: Strings
    english: frozenset[str] = frozenset()     # keys shown in English in a site of another language
    fingerprint: str = ""
    legacy: bool = False                      # plain `en`: the site's long-standing English forms
    _digits: dict[int, str] | None = field(default=None, repr=False)
    # A string without values is the same every time: made once (cards
    # call a few of them for each of thousands of entries).
    _fixed: dict[str, Markup] = field(default_factory=dict, repr=False)
    _categories: dict = field(default_factory=dict, repr=False)   # count -> its plural category
    _parts: dict = field(default_factory=dict, repr=False)        # a string -> its %-pattern
    _html_parts: dict = field(default_factory=dict, repr=False)   # the same, of the string escaped
    _written: dict = field(default_factory=dict, repr=False)      # (form, date) -> the date as written

    @functools.cached_property
    def direction(self) -> str:
        return self.locale.text_direction

    @functools.cached_property
    def og_locale(self) -> str:
        """The language as OpenGraph writes a locale: `en`, `pt_BR`; a
        script (zh-Hans) has no place in it."""
        territory = self.locale.territory
        return f"{self.locale.language}_{territory}" if territory else self.locale.language

    def key_part(self) -> str:
        """What a page's key holds of it (keys.KeyMaker)."""
        return "Language(" + self.fingerprint + ")"

    # -- strings --

    def _text(self, key: str, values: dict) -> str:
        value = self.strings[key]
        if isinstance(value, dict):
            count = values.get("count")
            if count is None:
                raise KeyError(f'"{key}" has plural forms: give it a count')
            category = self._categories.get(count)
            if category is None:
                category = self._categories[count] = self.locale.plural_form(count)
            value = value.get(category) or value["other"]
        return value

    def _fill(self, text: str, values: dict, html: bool) -> str:
        """{name} replaced by its value, in one pass (a value holding
        braces is not read again); numbers as the language writes them.
        With `html`, the text is escaped and so are the values (Markup
        stays as it is)."""
        patterns = self._html_parts if html else self._parts
        pattern = patterns.get(text)
        if pattern is None:
            # "{by}, as reported by {publisher}" -> "%(by)s, as reported by %(publisher)s":
            # filled by the % operator, in one pass.
            written = str(escape(text)) if html else text
            pattern = patterns[text] = _PLACEHOLDER.sub(r"%(\1)s", written.replace("%", "%%"))
        if not values:
            return pattern.replace("%%", "%")
        filled = _Unfilled()
        for name, v in values.items():
            if type(v) is Markup:
                filled[name] = v
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                v = self.number(v)
            filled[name] = escaped(v) if html else v
        return pattern % filled

    def t(self, key: str, **values: object) -> Markup:
        """The string of `key` as HTML text, its values escaped (and counts
        written as numbers of the language); a plural string takes `count`."""
        if not values:
            fixed = self._fixed.get(key)
            if fixed is None:
                fixed = self._fixed[key] = self._markup(key, values)
            return fixed
        return self._markup(key, values)

    def _markup(self, key: str, values: dict) -> Markup:
        text = self._fill(self._text(key, values), values, html=True)
        if key in self.english:
            text = f'<span lang="en">{text}</span>'
        # What Markup(text) makes of a plain str, without its Python-level
        # constructor's checks: templates call this some 30 times a page.
        return str.__new__(Markup, text)

    def t_plain(self, key: str, **values: object) -> str:
        """The string of `key` as plain text, for an attribute or a title."""
        return self._fill(self._text(key, values), values, html=False)

    def plural_forms(self, key: str) -> dict[str, str]:
        """A plural string's forms, for a script that picks one by count."""
        value = self.strings[key]
        return dict(value) if isinstance(value, dict) else {"other": value}

    def script_strings(self, *keys: str) -> str:
        """Strings a script shows, as JSON for a data- attribute: the page
        carries them, so the script needs no fetch and works from file://.
        A plural string is its forms, for the script to pick by count."""
        return json.dumps({key: self.strings[key] for key in keys}, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))

    # -- numbers --

    def number(self, value: int | float) -> str:
        """3800 -> '3,800' (en), '3.800' (de), '3 800' (fr, ru)."""
        if self.legacy:
            if isinstance(value, int):
                return f"{value:,}"
            return f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"
        return format_decimal(value, locale=self.locale, decimal_quantization=False, numbering_system="default")

    def _native(self, text: str) -> str:
        """Digits as the language writes them (Persian, for one, its own)."""
        if self._digits is None:
            self._digits = {ord(d): format_decimal(int(d), locale=self.locale, numbering_system="default")
                            for d in string.digits}
        return text.translate(self._digits)

    # -- dates --

    def date(self, d: PartialDate) -> str:
        """A date at its precision, in full: `2022`, `January 2022`,
        `Friday 7 January 2022`, with the time and its zone when written."""
        if self.legacy:
            return d.display()
        # CLDR's patterns cost tens of microseconds a date, and a timeline
        # writes the same dates on many pages: each is written once.
        key = ("date", d)
        text = self._written.get(key)
        if text is None:
            text = self._written[key] = self._date(d)
        return text

    def _date(self, d: PartialDate) -> str:
        if d.month is None:
            return self._skeleton("y", d)
        if d.day is None:
            return self._skeleton("yMMMM", d)
        day = date(d.year, d.month, d.day)
        text = _pattern(self.locale, "full", "date").apply(day, self.locale)
        if d.hour is None:
            return self._native(text)
        moment = self._moment(d)
        clock = format_time(moment, "medium" if d.precision == "second" else "short", tzinfo=moment.tzinfo,
                            locale=self.locale)
        both = str(self.locale.datetime_formats["long"]).replace("'", "").format(clock, text)
        return self._native(f"{both} {self.zone(d)}")

    def day(self, d: PartialDate) -> str:
        """A day's heading: the date without its time."""
        if self.legacy:
            return d.display().split(",")[0] if d.day else d.display()
        if d.day is None:
            return self.date(d)
        return self._native(_pattern(self.locale, "full", "date").apply(_calendar(d), self.locale))

    def short(self, d: PartialDate) -> str:
        """Compact: `2022`, `Jan 2022`, `7 Jan 2022`, `7 Jan 2022, 15:00`."""
        if self.legacy:
            return d.short()
        key = ("short", d)
        text = self._written.get(key)
        if text is None:
            text = self._written[key] = self._short(d)
        return text

    def _short(self, d: PartialDate) -> str:
        if d.month is None:
            return self._skeleton("y", d)
        if d.day is None:
            return self._skeleton("yMMM", d)
        text = self._skeleton("yMMMd", d)
        if d.hour is None:
            return text
        moment = self._moment(d)
        clock = format_time(moment, "medium" if d.precision == "second" else "short", tzinfo=moment.tzinfo,
                            locale=self.locale)
        return self._native(str(self.locale.datetime_formats["short"]).replace("'", "").format(clock, text))

    def day_month(self, d: PartialDate) -> str:
        """A day within its month, for links to the days of a month: `7 Jan`."""
        if self.legacy:
            return d.short().split(",")[0].rsplit(" ", 1)[0]
        return self._skeleton("MMMd", d)

    def zone(self, d: PartialDate) -> str:
        """The time zone of a time, named as CLDR names it in the language."""
        moment = self._moment(d)
        return get_timezone_name(moment, "long", locale=self.locale)

    def span(self, start: PartialDate, end: PartialDate, short: bool = False) -> list[tuple[str, str]]:
        """A span as pieces of text, each with the ISO date it writes (""
        for the words between): CLDR's interval pattern for the two dates
        at their precision (`5–19 Jan 2022`), else its fallback pattern."""
        one = self.short if short else self.date
        if self.legacy:
            return [(one(start), start.iso()), (_LEGACY_SPAN, ""), (one(end), end.iso())]
        if start.precision == end.precision and start.hour is None:
            skeleton = {"year": "y", "month": "yMMM" if short else "yMMMM",
                        "day": "yMMMd" if short else "yMMMMd"}[start.precision]
            parts = self._interval(skeleton, _calendar(start), _calendar(end))
            if parts is not None:
                return [(self._native(parts[0]), start.iso()), (self._native(parts[1]), end.iso())]
        before, between, after = _split_fallback(str(self.locale.interval_formats.get(None, "{0} – {1}")))
        pieces = [(before, ""), (one(start), start.iso()), (between, ""), (one(end), end.iso()), (after, "")]
        return [p for p in pieces if p[0]]

    def _interval(self, skeleton: str, a: _Day, b: _Day) -> tuple[str, str] | None:
        formats = self.locale.interval_formats
        found = skeleton if skeleton in formats else match_skeleton(skeleton, formats)
        if not found or a == b:
            return None
        patterns = formats[found]
        first, second = DateTimeFormat(a, locale=self.locale), DateTimeFormat(b, locale=self.locale)
        for char in PATTERN_CHAR_ORDER:
            if char in patterns and first.extract(char) != second.extract(char):
                p0, p1 = patterns[char]
                return parse_pattern(p0).apply(a, self.locale), parse_pattern(p1).apply(b, self.locale)
        return None

    def _skeleton(self, skeleton: str, d: PartialDate) -> str:
        return self._native(format_skeleton(skeleton, _calendar(d), locale=self.locale))

    def _moment(self, d: PartialDate) -> datetime:
        """The time as its wall clock shows it, in the zone it was read in
        (or at the offset written, where that is not the zone's)."""
        zone: tzinfo = zoneinfo.ZoneInfo(d.tz)
        moment = d.start().astimezone(zone)
        offset = moment.utcoffset()
        if d.offset_minutes is not None and offset != timedelta(minutes=d.offset_minutes):
            moment = d.start().astimezone(timezone(timedelta(minutes=d.offset_minutes)))
        return moment


_BODY_WORDS = re.compile(re.escape(IMAGE_START) + "(.*?)" + re.escape(IMAGE_END) + "|"
                         + re.escape(LABEL).replace(r"\{\}", r"([\w.]+)"), re.S)


def localized(html: str, lang: Language | None) -> str:
    """A rendered body with the site's own words in it (a wide table's
    label, a remote picture's link text) in the page's language."""
    if "\x00" not in html or lang is None:
        return html
    def word(m: re.Match) -> str:
        if m.group(2) is not None:
            return str(escape(lang.t_plain(m.group(2))))
        return str(lang.t("body.image", alt=Markup(m.group(1))))
    return _BODY_WORDS.sub(word, html)


def _calendar(d: PartialDate) -> _Day:
    return date(d.year, d.month or 1, d.day or 1)


@functools.lru_cache(maxsize=None)
def _pattern(locale: Locale, width: str, kind: str) -> DateTimePattern:
    return parse_pattern(locale.date_formats[width] if kind == "date" else locale.time_formats[width])


def _split_fallback(pattern: str) -> tuple[str, str, str]:
    """CLDR's fallback interval pattern "{0} – {1}" as (before, between, after)."""
    a, b = pattern.index("{0}"), pattern.index("{1}")
    if a > b:   # a language writing the end first keeps the start's place for the start
        return "", pattern[b + 3:a], ""
    return pattern[:a], pattern[a + 3:b], pattern[b + 3:]


# ---- loading ----------------------------------------------------------------

def bundled_language(tag: str) -> Language:
    """A language with the bundled strings only (no project's own), for
    tools and tests; LanguageError for a tag CLDR does not know."""
    parse_tag(tag)
    return load_language(tag, 1, "", Path(os.devnull), "", Problems())


def load_language(tag: str, line: int, settings_path: str, project_dir: Path, shown_dir: str,
                  problems: Problems, load_yaml: yamlread.LoadYaml = yamlread.load) -> Language:
    """The language of the `language` setting (at `line` of
    `settings_path`): its locale and its catalogue, bundled then the
    project's own i18n/ files, read with `load_yaml`. An unknown tag is an
    error here (the build goes on in English to find the other errors)."""
    english = english_catalogue(load_yaml)
    try:
        locale = parse_tag(tag)
    except LanguageError as exc:
        problems.error(settings_path, line, str(exc))
        tag, locale = ENGLISH, Locale.parse(ENGLISH)
    plural_tags = frozenset(locale.plural_form.tags)
    names = _candidates(tag, locale)
    strings: Strings = dict(english)
    covered: set[str] = set()
    bundled_found = None
    for name in reversed(names):
        data = _bundled(name, load_yaml)
        if data is not None:
            strings.update(_fresh(data))
            covered.update(k for k, _ in data)
            bundled_found = name
    own_files: list[tuple[str, str]] = []
    for name in reversed(names):
        file = project_dir / "i18n" / f"{name}.yaml"
        if file.is_file():
            shown = os.path.join(shown_dir, "i18n", f"{name}.yaml")
            read = _read_catalogue(file, shown, problems, load_yaml)
            if read is None:
                continue
            own = _checked(read, shown, english, plural_tags, problems)
            strings.update(own)
            covered.update(own)
            own_files.append((shown, file.read_text("utf-8", errors="replace")))
    if locale.language == ENGLISH:
        covered = set(english)
    missing = [k for k in english if k not in covered]
    write_to = os.path.join(shown_dir, "i18n", f"{tag}.yaml")
    if not covered:
        problems.warning(settings_path, line,
                         f'no catalogue of the site\'s strings for "{tag}": they are in English; '
                         f"write {write_to} to translate them (the keys are listed in the README)")
    elif missing:
        where = own_files[-1][0] if own_files else write_to
        shown_keys = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        problems.warning(where, 1, f"{len(missing)} of the site's strings have no translation and are shown in "
                                   f"English: {shown_keys}")
    for key, value in list(strings.items()):
        base = english[key]
        if isinstance(value, dict) and "other" not in value and isinstance(base, dict):
            value["other"] = base["other"]
    legacy = tag == ENGLISH
    fingerprint = digest(tag, str(locale), bundled_found or "", sorted((k, repr(v)) for k, v in strings.items()),
                         own_files)
    return Language(tag, locale, strings, frozenset(missing) if locale.language != ENGLISH else frozenset(),
                    fingerprint, legacy)
