"""The readers of YAML and Markdown a build uses: the libraries' own by
default; speedups/ has faster ones for the usual shapes of text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import yamlread


@dataclass(frozen=True)
class Readers:
    """How text is read. `markdown_shortcut`, when given, renders the
    plainest Markdown itself and returns None for anything else (see
    markup.render_markdown); it must give markdown-it's result."""

    load_yaml: yamlread.LoadYaml = yamlread.load
    markdown_shortcut: Callable[..., tuple[str, list[str]] | None] | None = None
