"""The one kind of hash the program uses for keys (short, stable, fast),
and how a file is known unchanged without reading it."""

from __future__ import annotations

import hashlib
import os


def digest(*parts: object) -> str:
    """A short stable hash of parts made of str, int, float, bool, None,
    tuples and lists (their repr is stable, and quicker than JSON)."""
    return digest_text(repr(parts))


def digest_text(text: str) -> str:
    """The same kind of hash of text that is unambiguous as it is (joined
    hashes, paths), without the cost of its repr."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def short_digest(text: str) -> str:
    """A name for text among a few thousand others (entries' paths in
    the build cache), twelve characters long: whoever keeps such names
    must notice two texts sharing one."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def file_digest(raw: bytes) -> str:
    """What identifies a file's contents."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


# Two edits of a file within one tick of the file system's clock leave the
# same modification time; times this recent are not trusted to show a change.
CLOCK_TICK_NS = 2_000_000_000


def file_stat(path: str) -> list[int] | None:
    """[size, mtime_ns] of a file, or None if it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]
