"""Where `build.py capture` gets its page: an http(s) address, a saved
.html file, or the first HTML response of a .warc / .warc.gz file. The
body is kept as received (its charset untouched); the text is decoded by
the charset the HTTP header names, else the page's meta tag, else what the
bytes show, in that order."""

from __future__ import annotations

import codecs
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.message import Message
from pathlib import Path

from .files import CommandError

TIMEOUT_SECONDS = 30
# A real browser's request: some sites answer a script's default headers
# with an error page or a consent wall.
HEADERS = {
    "User-Agent": ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/131.0.0.0 Safari/537.36"),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


@dataclass
class Page:
    """A page as received."""

    body: bytes
    text: str
    charset: str
    url: str | None          # the address fetched; None for a saved file
    captured: date           # today, or a web archive record's own date
    where: str               # how the page is named in messages


def fetch(url: str, timeout: float = TIMEOUT_SECONDS) -> Page:
    """An http(s) page, redirects followed."""
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            final = response.geturl()
            kind = response.headers.get_content_type()
            header_charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise CommandError(f"{url}: HTTP {exc.code} {exc.reason}: nothing was captured") from None
    except TimeoutError:
        raise CommandError(f"{url}: no answer within {timeout:g} s: nothing was captured") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise CommandError(f"{url}: no answer within {timeout:g} s: nothing was captured") from None
        raise CommandError(f"{url}: cannot fetch it ({reason}): nothing was captured") from None
    except (OSError, ValueError) as exc:
        raise CommandError(f"{url}: cannot fetch it ({exc}): nothing was captured") from None
    if kind not in HTML_TYPES:
        raise CommandError(f"{url}: the answer is {kind}, not an HTML page: nothing was captured")
    return decode_page(body, header_charset, final, date.today(), url)


def read_file(path: Path) -> Page:
    """A saved .html page, or the first HTML response of a web archive."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    if path.name.endswith((".warc", ".warc.gz")):
        return _from_warc(path)
    return decode_page(data, None, None, date.today(), str(path))


def _from_warc(path: Path) -> Page:
    from warcio.archiveiterator import ArchiveIterator

    try:
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                if kind not in HTML_TYPES:
                    continue
                body = record.content_stream().read()
                message = Message()
                message["Content-Type"] = record.http_headers.get_header("Content-Type") or ""
                when = _warc_date(record.rec_headers.get_header("WARC-Date"))
                return decode_page(body, message.get_content_charset(), record.rec_headers.get_header("WARC-Target-URI"),
                             when, str(path))
    except Exception as exc:   # warcio raises its own kinds for a damaged archive
        raise CommandError(f"{path}: not a web archive that can be read ({exc})") from None
    raise CommandError(f"{path}: the web archive holds no HTML response: nothing was captured")


def _warc_date(text: str | None) -> date:
    if text:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).date()
        except ValueError:
            pass
    return date.today()


def decode_page(body: bytes, header_charset: str | None, url: str | None, captured: date, where: str) -> Page:
    """A page from its bytes: refused unless HTML, decoded by its charset."""
    if b"\x00" in body[:4096] or not re.search(rb"<(html|body|p|div|article|head)\b", body[:200_000], re.I):
        raise CommandError(f"{where}: not an HTML page: nothing was captured")
    charset = header_charset
    if charset is None:
        found = _META_CHARSET.search(body[:4096])
        charset = found.group(1).decode("ascii") if found else None
    if charset is None:
        charset = _guess(body)
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        raise CommandError(f"{where}: unknown charset {charset!r}: nothing was captured") from None
    return Page(body, body.decode(codec.name, errors="replace"), codec.name, url, captured, where)


def _guess(body: bytes) -> str:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes   # trafilatura's own dependency

    best = from_bytes(body).best()
    return best.encoding if best is not None else "windows-1252"
