"""An entry's media: pictures inside content/, checked by their bytes and
measured, so that a page gives each its width and height and does not
jump as it loads; links to media elsewhere, never loaded."""

from __future__ import annotations

import os
import posixpath
import struct
from pathlib import Path

from ..errors import Problems
from ..hashing import file_digest
from ..read.entry import Entry
from ..read.names import href

KINDS = "a JPEG, PNG, WebP, GIF or AVIF image"
# The names each kind may have: a server and a browser go by the name, so
# a picture named .html (or .svg) would be opened as a page and run.
EXTENSIONS = {"jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"), "png": (".png",), "gif": (".gif",),
              "webp": (".webp",), "avif": (".avif",)}


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """(kind, width, height) of an image, read from its header; None if the
    bytes are none of the kinds a page may show, or their size is unreadable."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            return ("png", *struct.unpack(">II", data[16:24]))
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return ("gif", *struct.unpack("<HH", data[6:10]))
        if data.startswith(b"\xff\xd8\xff"):
            return _jpeg(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
        if data[4:8] == b"ftyp" and _is_avif(data):
            at = data.find(b"ispe")
            if at > 0:
                return ("avif", *struct.unpack(">II", data[at + 8:at + 16]))
    except struct.error:
        return None
    return None


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:          # fill byte
            i += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return ("jpeg", width, height)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return None


def _webp(data: bytes) -> tuple[str, int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return ("webp", w & 0x3FFF, h & 0x3FFF)
    if chunk == b"VP8L":
        b0, b1, b2, b3 = data[21:25]
        return ("webp", 1 + (((b1 & 0x3F) << 8) | b0), 1 + (((b3 & 0x0F) << 10) | (b2 << 2) | ((b1 & 0xC0) >> 6)))
    if chunk == b"VP8X":
        return ("webp", 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little"))
    return None


def _is_avif(data: bytes) -> bool:
    size = struct.unpack(">I", data[:4])[0]
    brands = [data[i:i + 4] for i in range(8, min(size, 64), 4) if i != 12]
    return b"avif" in brands or b"avis" in brands


def check_media(entry: Entry, content_dir: Path, problems: Problems) -> list[tuple[str, str]]:
    """Each picture file of the entry found, checked and measured (its
    site path, size and digest set on the item). Returns what the check
    read, (path inside content/, digest or "" if unreadable), so that a
    kept check is redone when a picture changes."""
    read: list[tuple[str, str]] = []
    base: Path | None = None
    for item in entry.media:
        if item.file is None:
            continue
        if base is None:
            # Resolved only for an entry with a picture file: a system call
            # per folder of the path, for every entry, cost more than the
            # rest of this function for most of them.
            base = content_dir.resolve()
        written = item.file.replace("\\", "/")
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), written))
        full = (content_dir / rel).resolve()
        if written.startswith("/") or rel.startswith("../") or rel == ".." or not full.is_relative_to(base):
            problems.error(entry.shown_path, item.line, f'the picture "{item.file}" is outside the content folder: '
                           "copy it into content/ (beside the entry, or in content/media/) and name it from there")
            continue
        try:
            data = full.read_bytes()
        except OSError as exc:
            read.append((rel, ""))
            where = os.path.join(os.path.dirname(entry.shown_path), written)
            problems.error(entry.shown_path, item.line, f'cannot read the picture "{item.file}" ({where}): '
                           f"{exc.strerror or exc}; the path is relative to the entry's file")
            continue
        found = file_digest(data)
        read.append((rel, found))
        size = image_size(data)
        if size is None:
            problems.error(entry.shown_path, item.line, f'"{item.file}" is not {KINDS} (judged by its bytes, '
                           "not its name): save it in one of those formats")
            continue
        extension = posixpath.splitext(rel)[1].lower()
        if extension not in EXTENSIONS[size[0]]:
            named = f'named "{extension}"' if extension else "named without an extension"
            problems.error(entry.shown_path, item.line, f'"{item.file}" is a {size[0].upper()} image {named}: '
                           f"name it {EXTENSIONS[size[0]][0]} (a browser goes by the name, and would open it as "
                           "something else)")
            continue
        item.site_path, item.width, item.height, item.digest = href("media", rel), size[1], size[2], found
        item.type = "image/" + size[0]
    return read
