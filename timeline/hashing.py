"""The one kind of hash the program uses for keys: short, stable, fast."""

from __future__ import annotations

import hashlib


def digest(*parts: object) -> str:
    """A short stable hash of parts made of str, int, float, bool, None,
    tuples and lists (their repr is stable, and quicker than JSON)."""
    return digest_text(repr(parts))


def digest_text(text: str) -> str:
    """The same kind of hash of text that is unambiguous as it is (joined
    hashes, paths), without the cost of its repr."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def file_digest(raw: bytes) -> str:
    """What identifies a file's contents."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()
