"""`build.py capture URL|FILE [--id ID] [--seeds DIR]`: a web page as an
archived source. The article's text goes to seeds/ID.txt, the page as
received to seeds/ID.html, and what the page states about itself to the
end of seeds/sources.yaml (its bytes before kept as they were). Nothing is
written unless all of it can be."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..sources import SOURCE_ID
from . import article, webpage
from .files import CommandError, write_whole, yaml_text

REQUIRED = ("publisher", "title", "published")


@dataclass
class Captured:
    """What a capture wrote, for the command to print."""

    source_id: str
    text_path: Path
    page_path: Path
    text_sha256: str
    page_sha256: str
    found: dict[str, str]
    missing: list[str]
    furniture: list[int]
    unmatched: list[str] = field(default_factory=list)


def run(given: str, seeds: Path, source_id: str | None = None,
        timeout: float = webpage.TIMEOUT_SECONDS) -> Captured:
    if given.startswith(("http://", "https://")):
        page = webpage.fetch(given, timeout)
    elif re.match(r"[a-z][a-z0-9+.-]*://", given, re.I):
        raise CommandError(f"{given}: capture takes an http(s) address or a saved file")
    else:
        path = Path(given)
        if not path.is_file():
            raise CommandError(f"{given}: no such file")
        page = webpage.read_file(path)
    stated, text = read_article(page)
    url = stated.url or page.url
    found = {name: value for name, value in (("publisher", stated.publisher), ("title", stated.title),
                                              ("published", stated.published), ("author", stated.author),
                                              ("url", url)) if value}
    yaml_path = seeds / "sources.yaml"
    before = yaml_path.read_bytes() if yaml_path.exists() else b""
    taken = _ids_in(before)
    if source_id is not None:
        if not SOURCE_ID.fullmatch(source_id):
            raise CommandError(f"--id {source_id}: a source id is lowercase letters, digits and hyphens")
        if source_id in taken or (seeds / f"{source_id}.txt").exists() or (seeds / f"{source_id}.html").exists():
            raise CommandError(f"source id {source_id!r} is taken (in {yaml_path} or as a file in {seeds}): "
                               "give another with --id")
    else:
        source_id = _free_id(_default_id(stated, url, page.captured), taken, seeds)
    text_bytes = text.text().encode("utf-8")
    page_sha = hashlib.sha256(page.body).hexdigest()
    missing = [name for name in REQUIRED if name not in found]
    block = _yaml_block(source_id, found, missing, page_sha, page.captured, text.furniture)
    joiner = b"" if not before or before.endswith(b"\n\n") else (b"\n" if before.endswith(b"\n") else b"\n\n")
    text_path, page_path = seeds / f"{source_id}.txt", seeds / f"{source_id}.html"
    written: list[Path] = []
    try:
        for path, data in ((text_path, text_bytes), (page_path, page.body),
                           (yaml_path, before + joiner + block.encode("utf-8"))):
            write_whole(path, data)
            written.append(path)
    except OSError:
        for path in written:
            if path != yaml_path:
                path.unlink(missing_ok=True)
        if yaml_path in written or (written and yaml_path.exists() and yaml_path.read_bytes() != before):
            write_whole(yaml_path, before)
        raise
    return Captured(source_id, text_path, page_path, hashlib.sha256(text_bytes).hexdigest(), page_sha, found,
                    missing, text.furniture, text.unmatched)


def read_article(page: webpage.Page) -> tuple[article.Facts, article.Extracted]:
    """What the page states, and its article's text; a page with none is
    an error."""
    try:
        stated = article.facts(page.text, page.captured)
        return stated, article.extract(page.text, stated.title)
    except article.NoArticle as exc:
        raise CommandError(f"{page.where}: {exc} (is it an article's page?): nothing was captured") from None


def _ids_in(yaml_bytes: bytes) -> set[str]:
    """The ids of sources.yaml, by its top-level keys (its whole file need
    not be valid for a capture to add to it)."""
    return set(re.findall(r"^([a-z0-9][a-z0-9-]*)\s*:", yaml_bytes.decode("utf-8", "replace"), re.M))


def _default_id(stated: article.Facts, url: str | None, captured: date) -> str:
    name = stated.publisher or (urlsplit(url).hostname if url else None) or "page"
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "page"
    return f"{folded[:40].rstrip('-')}-{stated.published or captured.isoformat()}"


def _free_id(wanted: str, taken: set[str], seeds: Path) -> str:
    candidate, n = wanted, 1
    while candidate in taken or (seeds / f"{candidate}.txt").exists() or (seeds / f"{candidate}.html").exists():
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _yaml_block(source_id: str, found: dict[str, str], missing: list[str], page_sha: str, captured: date,
                furniture: list[int]) -> str:
    lines = [f"{source_id}:", f"  file: {source_id}.txt", f"  page: {source_id}.html", f"  page_sha256: {page_sha}"]
    for name in ("publisher", "title", "published", "author", "url"):
        if name in found:
            value = found[name] if name == "published" else yaml_text(found[name])
            lines.append(f"  {name}: {value}")
        elif name in missing:
            lines.append(f"  # {name}: the page does not state it: fill it in")
    lines.append(f"  captured: {captured.isoformat()}")
    lines.append("  archive: excerpts")
    if furniture:
        lines.append("  furniture: [" + ", ".join(str(n) for n in furniture) + "]   # picture credits")
    return "\n".join(lines) + "\n"
