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

from ..read.sources import SOURCE_ID
from . import article, webpage
from .files import CommandError, Planned, finish_writing, write_planned, yaml_text

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
    warnings: list[str] = field(default_factory=list)


def run(given: str, seeds: Path, source_id: str | None = None, timeout: float = webpage.TIMEOUT_SECONDS,
        max_size: int = webpage.MAX_SIZE) -> Captured:
    if given.startswith(("http://", "https://")):
        page = webpage.fetch(given, timeout, max_size)
    elif re.match(r"[a-z][a-z0-9+.-]*://", given, re.I):
        raise CommandError(f"{given}: capture takes an http(s) address or a saved file")
    else:
        path = Path(given)
        if not path.is_file():
            raise CommandError(f"{given}: no such file")
        page = webpage.read_file(path, max_size)
    stated, text = read_article(page)
    url = stated.url or page.url
    found = {name: value for name, value in (("publisher", stated.publisher), ("title", stated.title),
                                              ("published", stated.published), ("author", stated.author),
                                              ("url", url)) if value}
    yaml_path = seeds / "sources.yaml"
    # A capture killed while moving its files in left a journal: carry it
    # out first, so that the id chosen below sees what that capture wrote.
    finish_writing(seeds)
    before = yaml_path.read_bytes() if yaml_path.exists() else b""
    taken = _ids_in(before)
    if source_id is not None:
        if not SOURCE_ID.fullmatch(source_id):
            raise CommandError(f"--id {source_id}: a source id is lowercase letters, digits and hyphens")
        if not _free(source_id, taken, seeds, page.body):
            raise CommandError(f"source id {source_id!r} is taken (in {yaml_path} or as a file in {seeds}): "
                               "give another with --id")
    else:
        source_id = _free_id(_default_id(stated, url, page.captured), taken, seeds, page.body)
    text_bytes = text.text().encode("utf-8")
    page_sha = hashlib.sha256(page.body).hexdigest()
    warnings = [f"{yaml_path}:{line}: warning: this page was captured before, as source \"{earlier}\" (the same "
                f"SHA-256): \"{source_id}\" is a second copy of it; remove one of the two"
                for earlier, line in _same_page(before, page_sha)]
    missing = [name for name in REQUIRED if name not in found]
    block = _yaml_block(source_id, found, missing, page_sha, page.captured, text.furniture)
    joiner = b"" if not before or before.endswith(b"\n\n") else (b"\n" if before.endswith(b"\n") else b"\n\n")
    text_path, page_path = seeds / f"{source_id}.txt", seeds / f"{source_id}.html"
    # The three files are written together or not at all; sources.yaml
    # last, so that a source it names always has its files. A text and page
    # left by a capture of this same page that was stopped before
    # sources.yaml named them are replaced (see _free).
    planned = Planned()
    planned.add(text_path, text_bytes)
    planned.add(page_path, page.body)
    planned.add(yaml_path, before + joiner + block.encode("utf-8"))
    write_planned(planned, force=True)
    return Captured(source_id, text_path, page_path, hashlib.sha256(text_bytes).hexdigest(), page_sha, found,
                    missing, text.furniture, text.unmatched, warnings)


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


def _free(candidate: str, taken: set[str], seeds: Path, body: bytes) -> bool:
    """Whether an id can be given to this page: sources.yaml does not name
    it, and no file of that name is in seeds/, but a text and page that a
    stopped capture of this same page left (its page byte for byte this
    one, and no source naming them)."""
    if candidate in taken:
        return False
    text, page = seeds / f"{candidate}.txt", seeds / f"{candidate}.html"
    if not text.exists() and not page.exists():
        return True
    try:
        return page.is_file() and not page.is_symlink() and page.read_bytes() == body and (
            not text.exists() or (text.is_file() and not text.is_symlink()))
    except OSError:
        return False


def _free_id(wanted: str, taken: set[str], seeds: Path, body: bytes) -> str:
    candidate, n = wanted, 1
    while not _free(candidate, taken, seeds, body):
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _same_page(yaml_bytes: bytes, page_sha: str) -> list[tuple[str, int]]:
    """The sources of sources.yaml whose page_sha256 is this page's, and
    the line of each."""
    found: list[tuple[str, int]] = []
    current: tuple[str, int] | None = None
    for number, line in enumerate(yaml_bytes.decode("utf-8", "replace").splitlines(), 1):
        top = re.match(r"([a-z0-9][a-z0-9-]*)\s*:", line)
        if top:
            current = (top[1], number)
        elif current and re.match(rf"\s+page_sha256\s*:\s*['\"]?{page_sha}\b", line, re.I):
            found.append(current)
    return found


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
