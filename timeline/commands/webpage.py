"""Where `build.py capture` gets its page: an http(s) address, a saved
.html file, or the first HTML response of a .warc / .warc.gz file. The
body is kept as received (its charset untouched); the text is decoded by
the charset the HTTP header names, else the page's meta tag, else what the
bytes show, in that order."""

from __future__ import annotations

import codecs
import http.client
import re
import threading
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.message import Message
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from .files import CommandError

TIMEOUT_SECONDS = 30
# A page's largest size, after any decompression (--max-size raises it):
# past it a page is refused before it fills the memory.
MAX_SIZE = 50 * 1024 * 1024
CHUNK = 64 * 1024
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


def too_large(where: str, limit: int) -> CommandError:
    return CommandError(f"{where}: the page is larger than {_megabytes(limit)} (give a larger --max-size to "
                        "capture it): nothing was captured")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class _HttpRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed to http(s) addresses only (urllib's own also
    follows ftp://)."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise CommandError(f"{req.full_url}: redirected to {newurl}, which is not an http(s) address: "
                               "nothing was captured")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class _Fetching:
    """How far a fetch got, for the thread that waits for it."""

    answered: bool = False
    page: Page | None = None
    error: BaseException | None = None


def fetch(url: str, timeout: float = TIMEOUT_SECONDS, max_size: int = MAX_SIZE) -> Page:
    """An http(s) page, redirects followed, the whole of it within
    `timeout` seconds (however slowly the server sends it) and `max_size`
    bytes."""
    state = _Fetching()

    def work() -> None:
        try:
            state.page = _download(url, timeout, max_size, state)
        except BaseException as exc:   # handed to the waiting thread, which reports it
            state.error = exc

    # The fetch runs beside this thread so that the time-out bounds the
    # whole of it: a socket's time-out is per read, and a server that sends
    # a byte a second never lets one expire.
    worker = threading.Thread(target=work, name="capture-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        if state.answered:
            raise CommandError(f"{url}: the page did not arrive whole within {timeout:g} s (--timeout): "
                               "nothing was captured")
        raise CommandError(f"{url}: no answer within {timeout:g} s: nothing was captured")
    if state.error is not None:
        raise state.error
    assert state.page is not None
    return state.page


def _download(url: str, timeout: float, max_size: int, state: _Fetching) -> Page:
    request = urllib.request.Request(url, headers=HEADERS)
    opener = urllib.request.build_opener(_HttpRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            state.answered = True
            final = response.geturl()
            kind = response.headers.get_content_type()
            header_charset = response.headers.get_content_charset()
            encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
            declared = response.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_size:
                raise too_large(url, max_size)
            if kind not in HTML_TYPES:
                raise CommandError(f"{url}: the answer is {kind}, not an HTML page: nothing was captured")
            received = bytearray()
            while chunk := response.read(CHUNK):
                received += chunk
                if len(received) > max_size:
                    raise too_large(url, max_size)
    except urllib.error.HTTPError as exc:
        raise CommandError(f"{url}: HTTP {exc.code} {exc.reason}: nothing was captured") from None
    except TimeoutError:
        raise CommandError(f"{url}: no answer within {timeout:g} s: nothing was captured") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise CommandError(f"{url}: no answer within {timeout:g} s: nothing was captured") from None
        raise CommandError(f"{url}: cannot fetch it ({reason}): nothing was captured") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise CommandError(f"{url}: cannot fetch it ({exc}): nothing was captured") from None
    body = _decoded(bytes(received), encoding, max_size, url)
    return decode_page(body, header_charset, final, date.today(), url)


def _decoded(data: bytes, encoding: str, max_size: int, where: str) -> bytes:
    """The body without its content encoding (a server may compress it
    unasked), within the same size limit however much it expands."""
    if encoding in ("identity", ""):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise CommandError(f"{where}: the page is sent in the {encoding} encoding, which capture does not read: "
                           "nothing was captured")
    wbits = zlib.MAX_WBITS | 32 if encoding != "deflate" or data[:1] == b"\x78" else -zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        body = inflater.decompress(data, max_size + 1)
    except zlib.error as exc:
        raise CommandError(f"{where}: the page's {encoding} data is damaged ({exc}): nothing was captured") from None
    if len(body) > max_size:
        raise too_large(where, max_size)
    return body


def read_file(path: Path, max_size: int = MAX_SIZE) -> Page:
    """A saved .html page, or the first HTML response of a web archive."""
    if path.name.endswith((".warc", ".warc.gz")):
        return _from_warc(path, max_size)
    try:
        size = path.stat().st_size
        if size > max_size:
            raise too_large(str(path), max_size)
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    return decode_page(data, None, None, date.today(), str(path))


def _from_warc(path: Path, max_size: int) -> Page:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as f:
            # Digests declared by the archive (WARC-Block-Digest,
            # WARC-Payload-Digest) are checked as the record is read.
            for record in ArchiveIterator(f, check_digests="raise"):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                if kind not in HTML_TYPES:
                    continue
                if record.length is not None and record.length > max_size:
                    raise too_large(str(path), max_size)
                stream = record.content_stream()
                received = bytearray()
                while chunk := stream.read(CHUNK):
                    received += chunk
                    if len(received) > max_size:
                        raise too_large(str(path), max_size)
                if getattr(record.raw_stream, "limit", 0):
                    raise CommandError(f"{path}: the web archive's record of {record.rec_headers.get_header('WARC-Target-URI')} "
                                       f"is cut short ({record.raw_stream.limit} of its {record.length} bytes missing): "
                                       "nothing was captured")
                message = Message()
                message["Content-Type"] = record.http_headers.get_header("Content-Type") or ""
                when = _warc_date(record.rec_headers.get_header("WARC-Date"))
                return decode_page(bytes(received), message.get_content_charset(),
                                   record.rec_headers.get_header("WARC-Target-URI"), when, str(path))
    except CommandError:
        raise
    except ArchiveLoadFailed as exc:
        raise CommandError(f"{path}: the web archive is damaged ({exc}): nothing was captured") from None
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    except Exception as exc:   # warcio, zlib and gzip raise their own kinds for a damaged archive
        raise CommandError(f"{path}: not a web archive that can be read ({type(exc).__name__}: {exc}): "
                           "nothing was captured") from None
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
