"""The timeline as data: what timeline.json and the search index say of
each entry. Computed once per entry, where the entry is checked (in a worker
process, and then kept in the build cache), so that assembling the two files
is a matter of joining strings."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from typing import Callable

from .entry import Entry, Quote
from .schema import to_data

# Accents, and the vowel points of Hebrew and Arabic (written now and then,
# never typed into a search box): static/search.js folds the same marks.
_ACCENTS = re.compile("[\u0300-\u036f\u0591-\u05bd\u05bf-\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]+")


# One encoder for all: json.dumps with options makes a new one every call,
# which costs more than encoding a small value. What it encodes is made of
# fresh lists and dicts, never circular, so the check for cycles is skipped.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def to_json(value: object) -> str:
    """Compact JSON, UTF-8 text as it is."""
    return _ENCODER.encode(value)


def js_safe(json_text: str) -> str:
    """JSON made safe to embed in a script: old JavaScript engines end a
    string at U+2028/U+2029."""
    return json_text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def entry_json(e: Entry) -> str:
    """The entry's object in timeline.json: its JSON fields as model.Entry
    declares them; every url relative to the site root."""
    return to_json(to_data(e))


def fold(text: str) -> str:
    """What static/search.js does to text before comparing: no accents, lower case."""
    if text.isascii():
        return text.lower()  # nothing to decompose: most text, at a fraction of the cost
    return _ACCENTS.sub("", unicodedata.normalize("NFD", text)).lower()


def search_words(body_text: str, quotes: list[Quote]) -> str:
    """An entry's body (as plain text), quotes and speakers as distinct
    folded words: all the search needs of them, in far fewer bytes."""
    text = " ".join([body_text, *(q.text for q in quotes), *(q.by for q in quotes)])
    return " ".join(dict.fromkeys(fold(text).split()))


def outline(path: str, front_matter: str) -> str:
    """Digest of the entry's path and front matter. Everything the site
    shows of an entry outside its own page, its card, its feed summary and
    its pieces of timeline.json and the search index comes from these: its
    place in the order, the lists it is on, the marks it makes on source
    pages, its figures. So an edit that keeps the outline can be rebuilt by
    redoing just those (see quick.py). Some front matter shows only in
    those too (corrections, extra): an edit of it is rebuilt in full, which
    is slower but never wrong, and digesting the text costs far less than
    digesting what was read from it."""
    return hashlib.blake2b(f"{path}\0{front_matter}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# ---- the search index, split so that a search loads only what its words need ----
#
# static/search.js matches an entry when every word of the query (folded,
# split at JavaScript's white space) is found somewhere in the entry's
# folded title, place, tags, people, group and words: a substring, not
# only a prefix. A query word holds no white space, so it is found in the
# entry exactly when it is found inside one of the entry's tokens (its
# text split where JavaScript sees white space). The split index answers
# that from a few files:
#
# - search-index.js, the head: the numbering of listing pages, tags,
#   people and groups, the number of entries, and the size of each shard;
# - search/wN.js, the shards: shard N holds every token that has a
#   three-letter run (of UTF-16 units, as JavaScript counts) whose hash is
#   N, with the entries that hold it, and the entries that hold each run of
#   one or two letters whose hash is N. A query word of three or more
#   letters loads the one shard of one of its runs (the smallest) and scans
#   its tokens; a shorter word reads its own run's entries;
# - search/eN.js, the entries shown as results (slug, title, date, page),
#   entry_chunk(count) entries a file in timeline order, loaded for those
#   listed;
# - search/tags.js, people.js, groups.js: the entries of each, loaded when
#   a filter is first used.
#
# A list of entries (by number in timeline order) is written as whichever
# is shorter: a bitmap in base64 after "!", or the gaps between numbers
# in base64 digits, five bits a digit, a digit of 32 or more saying that
# more follow.

_JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64)}
# Every file of the index costs a build a file to create, which on some
# disks costs more than rendering a page (bench/README.md), and a reader
# the bytes of the results beside the ones listed. The sizes below keep a
# search under 300 kB (bench/search.py) with static/search.js listing at
# most 100 results, in about half the files smaller ones took.
_ENTRY_CHUNK = 8
_SMALL_INDEX = 1024   # entries whose results, all of them, a search may load
_ENTRY_FILES_SMALL = 32
# Each shard holds about this many tokens' worth (entries times tokens): a
# shard per so many entries, a power of two.
_ENTRIES_PER_SHARD = 48
_MAX_SHARDS = 1024


def entry_chunk(count: int) -> int:
    """How many entries' results a file of search/eN.js holds: a few,
    so that the results listed, wherever they are, load little; or, for a
    timeline of up to _SMALL_INDEX entries, whose results together weigh
    less than one search may load, enough for at most _ENTRY_FILES_SMALL
    files (a power of two)."""
    chunk = _ENTRY_CHUNK
    if count <= _SMALL_INDEX:
        while chunk * _ENTRY_FILES_SMALL < count:
            chunk *= 2
    return chunk


def search_tokens(e: Entry) -> list[str]:
    """Everything the search matches a word of an entry against, as the
    distinct tokens of what static/search.js once searched whole: the folded
    title, place, tags, people and group, then the body's words."""
    shown = " ".join([e.title, e.place or "", " ".join(t for t, _ in e.tag_links),
                      " ".join(p for p, _ in e.people_links), e.group_link[0] if e.group_link else ""])
    tokens = set(_JS_SPACE.split(fold(shown)))
    words = e.search_words
    # The words are split already, at Python's white space, which is
    # JavaScript's but for U+FEFF: only a text holding one is split again.
    tokens.update(_JS_SPACE.split(words) if "\ufeff" in words else words.split(" "))
    tokens.discard("")
    return sorted(tokens)


def shard_count(entries: int) -> int:
    n = 1
    while n * _ENTRIES_PER_SHARD < entries and n < _MAX_SHARDS:
        n *= 2
    return n


def _units(text: str) -> str:
    """The text as JavaScript indexes it: a character beyond U+FFFF as its
    two UTF-16 halves."""
    if text.isascii() or max(text) < "\U00010000":
        return text
    raw = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(raw[i:i + 2], "little")) for i in range(0, len(raw), 2))


def gram_hash(units: str, shards: int) -> int:
    """FNV-1a over UTF-16 units (static/search.js computes the same)."""
    h = 2166136261
    for c in units:
        h = ((h ^ ord(c)) * 16777619) & 0xFFFFFFFF
    return h & (shards - 1)


def _grams(units: str, n: int) -> set[str]:
    return {units[i:i + n] for i in range(len(units) - n + 1)}


def _short_grams(units: str) -> set[str]:
    return _grams(units, 1) | _grams(units, 2)


def _token_shards(token: str, shards: int) -> set[int]:
    return {gram_hash(g, shards) for g in _grams(_units(token), 3)}


# Gaps below 1024, written once.
_GAPS = [(_B64[32 + (d >> 5)] if d >= 32 else "") + _B64[d & 31] for d in range(1024)]


def _gap(d: int) -> str:
    if d < 1024:
        return _GAPS[d]
    digits = [_B64[d & 31]]
    d >>= 5
    while d:
        digits.append(_B64[32 + (d & 31)])
        d >>= 5
    return "".join(reversed(digits))


def _bitmap_length(count: int) -> int:
    return 1 + 4 * (((count + 7) // 8 + 2) // 3)


def _bitmap(bits: int, count: int) -> str:
    return "!" + base64.b64encode(bits.to_bytes((count + 7) // 8, "little")).decode("ascii")


def _gaps(numbers: list[int]) -> str:
    last, out, gaps = -1, [], _GAPS
    # A word's entries are written here one by one, a million times at
    # 10,000 entries: the common gap (below 1024) looked up without a call.
    for n in numbers:
        d = n - last
        out.append(gaps[d] if d < 1024 else _gap(d))
        last = n
    return "".join(out)


def encode_numbers(numbers: list[int], count: int) -> str:
    """Entry numbers (ascending, below `count`) as the shorter of a bitmap
    and their gaps (the bitmap when both are as long)."""
    limit = _bitmap_length(count)
    if len(numbers) < limit:
        text = _gaps(numbers)
        if len(text) < limit:
            return text
    return _bitmap(_bits_of(numbers, count), count)


def _bits_of(numbers: list[int], count: int) -> int:
    raw = bytearray((count + 7) // 8)
    for n in numbers:
        raw[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(raw, "little")


def _encode_bits(bits: int, count: int) -> str:
    """encode_numbers, of a set given as the bits of an int."""
    limit = _bitmap_length(count)
    if bits.bit_count() < limit:
        text = _gaps(_numbers_of(bits))
        if len(text) < limit:
            return text
    return _bitmap(bits, count)


def _numbers_of(bits: int) -> list[int]:
    out = []
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        while byte:
            low = byte & -byte
            out.append(i * 8 + low.bit_length() - 1)
            byte ^= low
    return out


def decode_numbers(text: str) -> list[int]:
    """The entry numbers encode_numbers wrote."""
    if text.startswith("!"):
        return _numbers_of(int.from_bytes(base64.b64decode(text[1:]), "little"))
    out, value, last = [], 0, -1
    for c in text:
        v = _B64_VALUE[c]
        if v >= 32:
            value = (value << 5) | (v - 32)
        else:
            last += (value << 5) | v
            out.append(last)
            value = 0
    return out


def search_part(name: str, value: object) -> bytes:
    """One file of the split index: a classic script that hands its data to
    the head's `parts` (pages opened from disk may not fetch)."""
    # A character beyond U+FFFF cut in two halves by a run is written escaped.
    text = js_safe(to_json(value))
    if _LONE_HALF.search(text):
        text = _LONE_HALF.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return f'TIMELINE_SEARCH.parts["{name}"]={text};\n'.encode("utf-8")


_LONE_HALF = re.compile("[\ud800-\udfff]")


def _read_shard(data: bytes) -> dict[str, dict[str, str]]:
    """A shard's data, as search_part wrote it."""
    text = data.decode("utf-8")
    shard: dict[str, dict[str, str]] = json.loads(text[text.index('"]=') + 3:].rstrip().rstrip(";"))
    return shard


def word_shards(tokens: list[list[str]], shards: int) -> list[dict]:
    """Each shard's runs of one or two units with their entries ("g"), and
    tokens with their entries ("t"), `tokens` being each entry's."""
    count = len(tokens)
    holders: dict[str, list[int]] = defaultdict(list)
    for i, mine in enumerate(tokens):
        for token in mine:
            holders[token].append(i)
    parts: list[dict] = [{"g": {}, "t": {}} for _ in range(shards)]
    runs: dict[str, int] = {}
    for token, numbers in holders.items():
        units = _units(token)
        bits = _bits_of(numbers, count)
        for g in _short_grams(units):
            runs[g] = runs.get(g, 0) | bits
        if len(units) >= 3:
            text = encode_numbers(numbers, count)
            for s in {gram_hash(g, shards) for g in _grams(units, 3)}:
                parts[s]["t"][token] = text
    for g, bits in runs.items():
        parts[gram_hash(g, shards)]["g"][g] = _encode_bits(bits, count)
    return [{"g": dict(sorted(p["g"].items())), "t": dict(sorted(p["t"].items()))} for p in parts]


def shard_file(number: int, shard: dict) -> bytes:
    return search_part(f"w{number}", shard)


def search_head(head: dict, sizes: list[int]) -> bytes:
    return ("window.TIMELINE_SEARCH=" + js_safe(to_json({**head, "shards": sizes, "parts": {}})) + ";\n").encode("utf-8")


def read_search_head(data: bytes) -> dict:
    text = data.decode("utf-8")
    return json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))


def patch_word_shards(read: Callable[[str], bytes], number: int, before: list[str], after: list[str], count: int) -> dict[str, bytes]:
    """The files of the split index that change when entry `number` (of
    `count`) holds the tokens `after` instead of `before`, given `read`,
    which reads a file of the site as it is: made as a fresh build makes
    them, from the files themselves, without the other entries."""
    if before == after:
        return {}
    head = read_search_head(read("search-index.js"))
    sizes: list[int] = head.pop("shards")
    head.pop("parts")
    shards = len(sizes)
    loaded: dict[int, dict] = {}

    def shard(s: int) -> dict:
        if s not in loaded:
            part = _read_shard(read(f"search/w{s}.js"))
            # JSON reads two halves written apart as one character: runs are kept in halves.
            part["g"] = {_units(g): v for g, v in part["g"].items()}
            loaded[s] = part
        return loaded[s]

    def change(table: dict, key: str, add: bool) -> None:
        if table.get(key, "").startswith("!"):
            # A bitmap is changed as bits: decoding a long list costs more.
            bits = int.from_bytes(base64.b64decode(table[key][1:]), "little")
            bits = bits | 1 << number if add else bits & ~(1 << number)
            if bits:
                table[key] = _encode_bits(bits, count)
            else:
                del table[key]
            return
        numbers = decode_numbers(table[key]) if key in table else []
        if add:
            numbers = sorted({*numbers, number})
        else:
            numbers = [n for n in numbers if n != number]
        if numbers:
            table[key] = encode_numbers(numbers, count)
        else:
            table.pop(key, None)

    old, new = set(before), set(after)
    for token in sorted(old ^ new):
        for s in sorted(_token_shards(token, shards)):
            change(shard(s)["t"], token, token in new)
    old_runs = set().union(*(_short_grams(_units(t)) for t in old))
    new_runs = set().union(*(_short_grams(_units(t)) for t in new))
    for g in sorted(old_runs ^ new_runs):
        change(shard(gram_hash(g, shards))["g"], g, g in new_runs)
    files = {}
    for s, part in loaded.items():
        data = shard_file(s, {"g": dict(sorted(part["g"].items())), "t": dict(sorted(part["t"].items()))})
        files[f"search/w{s}.js"] = data
        sizes[s] = len(data)
    files["search-index.js"] = search_head(head, sizes)
    return files
