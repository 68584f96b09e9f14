"""The site's language (contract, section 7): the tag checked against
CLDR, the catalogues, and dates, numbers and plural forms as CLDR gives
them, on real builds of the fixture timelines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from helpers import build, copy_fixture, problems, rel

from timeline.i18n import bundled_languages, catalogue_keys, english_catalogue, parse_tag, LanguageError


def set_language(project: Path, tag: str) -> None:
    index = project / "content" / "_index.md"
    text = index.read_text("utf-8")
    text = re.sub(r"^language: .*\n", "", text, flags=re.M)
    index.write_text(text.replace("---\n", f"---\nlanguage: {tag}\n", 1), "utf-8")


@pytest.mark.parametrize("written, closest", [("german", "de"), ("Deutsch", "de"), ("russian", "ru"),
                                               ("pt_BR", "pt-BR"), ("kazakh", "kk"), ("Français", "fr")])
def test_an_unknown_language_is_an_error_naming_the_closest(tmp_path, written, closest):
    project = copy_fixture(tmp_path / "p")
    set_language(project, written)
    out = tmp_path / "site"
    result = build(rel(project), out)
    assert result.returncode == 1, result.stderr
    index = rel(project / "content" / "_index.md")
    assert (index, 2, "error", f'unknown language "{written}": did you mean "{closest}"?') in problems(result.stderr)
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_tags_that_cldr_knows_are_accepted():
    for tag in ("de", "pt-BR", "zh-Hans", "zh-Hant", "kk", "ar", "en-US", "sr-Latn"):
        assert parse_tag(tag).language == tag.split("-")[0]
    for tag in ("xx", "en-XX", "de_DE!", ""):
        with pytest.raises(LanguageError):
            parse_tag(tag)
