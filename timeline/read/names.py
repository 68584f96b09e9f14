"""Names in the site: file names made from tags and people's names, and
relative links to files."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import quote

_MAX_BYTES = 150


@functools.lru_cache(maxsize=4096)
def page_name(label: str) -> str:
    """A file name for a tag or a person: letters and digits of any script."""
    name = []
    for ch in unicodedata.normalize("NFC", label).casefold():
        if ch.isalnum():
            name.append(ch)
        elif name and name[-1] != "-":
            name.append("-")
    text = "".join(name).strip("-") or "_"
    if len(text.encode("utf-8")) > _MAX_BYTES:
        # File systems cap names near 255 bytes; keep it short and unique.
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        text = text[:40].rstrip("-") + "-" + digest
    return text


SLUG_MAX = 80


def slugify(title: str) -> str:
    """An entry's file name from its title: lower case, letters and digits
    of any script, hyphens; NFC; at most SLUG_MAX characters."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", title).lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = unicodedata.normalize("NFC", "".join(out)).strip("-")
    if len(slug) > SLUG_MAX:
        cut = slug[:SLUG_MAX]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut[SLUG_MAX // 2:] else cut).strip("-")
    return slug or "entry"


_PLAIN = re.compile(r"[A-Za-z0-9._~/-]*")


def href(*parts: str) -> str:
    """A relative link to a site file, percent-encoded. (quote keeps "/"
    and every character of _PLAIN, so the parts are quoted all at once.)"""
    path = "/".join(parts)
    return path if _PLAIN.fullmatch(path) else quote(path)


def slug_of(path: str) -> str:
    """An entry's slug: its file name without `.md`."""
    return path.rsplit("/", 1)[-1][:-3]
