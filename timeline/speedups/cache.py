"""The build cache: the memory of the last build (memory.Memory: what
checking each entry produced, and what each output file was made from)
saved in a folder, so that the next run of build.py redoes only what an
edit touched.

It is JSON, not pickle, so that a damaged or foreign cache can at worst be
ignored, never executed. Anything unexpected in it means: start afresh."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import operator
import os
import shutil
import sys
import tempfile
import typing
from typing import Any, Callable
from json.encoder import encode_basestring
from pathlib import Path

from .. import __version__
from ..check.check import Checked, CitedSpan
from ..read.data import to_json
from ..read.dates import PartialDate
from ..errors import ContentError, Problems
from ..memory import Memory
from ..read.entry import Entry
from ..read.schema import conversion

FORMAT = f"timeline-cache/1 {__version__} py{sys.version_info[0]}.{sys.version_info[1]}"


def code_version() -> str:
    """Changes whenever the program's own code does."""
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for file in sorted(package.rglob("*.py")):
        h.update(file.relative_to(package).as_posix().encode())
        h.update(file.read_bytes())
    return h.hexdigest()


def current_salt() -> str:
    """What a cache (and the quick rebuild's manifest) must be written by."""
    return f"{FORMAT} {code_version()}"


class BuildCache(Memory):
    """Load with `BuildCache.open(folder)`; `None` folder means no cache."""

    def __init__(self, folder: Path | None, salt: str):
        super().__init__(salt)
        self.folder = folder
        self.keeps_placed = folder is not None
        self.lines = 0                              # lines in the file as loaded
        self.early: tuple[str, int] | None = None   # (temporary file, self.changes) of begin_save
        self.encoded: dict[str, str] = {}           # content path -> its check's JSON, made in a worker
        self.bloated = False                        # most of the file, by size, is replaced lines

    def decode(self, data: Any) -> Checked:
        return checked_from_data(data)

    @classmethod
    def open(cls, folder: Path | None) -> "BuildCache":
        """The cache in `folder`, or an empty one if it is missing, damaged
        or written by another version of the program."""
        cache = cls(folder, current_salt())
        if folder is None:
            return cache
        tables = cache._tables()
        try:
            # JSON lines, one item each; a later line replaces an earlier one
            # (saving appends what changed). Read a line at a time, so peak
            # memory stays near the size of what is kept.
            with open(folder / "cache.json", encoding="utf-8") as f:
                if json.loads(f.readline()) != {"format": cache.salt}:
                    return cls(folder, cache.salt)
                sizes: dict[tuple[str, str], int] = {}
                total = 0
                for cache.lines, line in enumerate(f, 1):
                    table, key, item = json.loads(line)
                    if not isinstance(key, str) or not _SHAPES[table](item):
                        raise ValueError("not a cache item")
                    tables[table][key] = item
                    sizes[table, key] = len(line)
                    total += len(line)
                # Replaced lines that make up most of the file, by size (a
                # page listing every entry keeps a long line): rewritten whole.
                cache.bloated = total > 2 * sum(sizes.values()) + 1_000_000
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(folder, cache.salt)  # no cache, or not one of ours: start afresh
        return cache

    def _tables(self) -> dict[str, dict]:
        return {"p": self.pages, "e": self.entries, "l": self.placed}

    def begin_save(self) -> None:
        """Write the checked entries now, if the coming save rewrites the
        whole file (a first build): the largest part of it, written while
        the workers render rather than after. Nothing is replaced until
        `save`; `abandon` removes what this wrote."""
        if self.folder is None or self.lines or self.early is not None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".cache-", dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(_dumps({"format": self.salt}) + "\n")
                f.writelines(cache_line("e", key, item, self.encoded.get(key)) for key, item in self.entries.items())
            self.early = tmp, self.changes
        except OSError:
            self.abandon()   # save will try again, and warn

    def abandon(self) -> None:
        """Remove what begin_save wrote, the build having failed."""
        if self.early is not None:
            try:
                os.unlink(self.early[0])
            except OSError:
                pass
            self.early = None

    def save(self) -> None:
        """Append what changed; rewrite the whole file (atomically) when it
        is new or when replaced lines would make up most of it."""
        if self.folder is None:
            return
        tables = self._tables()
        live = sum(len(t) for t in tables.values())
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.folder)
            if self.early is None and self.lines and self.lines + len(self.dirty) <= 2 * live and not self.bloated:
                with open(self.folder / "cache.json", "a", encoding="utf-8") as f:
                    f.write("".join(cache_line(t, k, tables[t][k], self.encoded.get(k) if t == "e" else None)
                                    for t, k in sorted(self.dirty) if k in tables[t]))
                return
            target = self.folder / "cache.json"
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)  # not a cache of ours: replace it
            if self.early is not None and self.early[1] == self.changes:
                tmp, rest, mode = self.early[0], {"p": self.pages, "l": self.placed}, "a"   # the entries are written
                self.early = None
            else:
                self.abandon()
                fd, tmp = tempfile.mkstemp(prefix=".cache-", dir=self.folder)
                os.close(fd)
                rest, mode = tables, "w"
            try:
                with open(tmp, mode, encoding="utf-8") as f:
                    if mode == "w":
                        f.write(_dumps({"format": self.salt}) + "\n")
                    f.writelines(cache_line(table, key, item, self.encoded.get(key) if table == "e" else None)
                                 for table, items in rest.items() for key, item in items.items())
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            print(f"build.py: warning: cannot write the cache in {self.folder}: {exc.strerror}", file=sys.stderr)

def _ignore_in_git(folder: Path) -> None:
    """The cache folder keeps itself out of git, wherever it is put."""
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# The build cache of build.py: never committed.\n*\n", encoding="utf-8")


# ---- (de)serialising checked entries ----

def _is_stat(v: object) -> bool:
    return v is None or (isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v))


# What an item of each table must look like; anything else voids the cache.
_SHAPES = {
    "p": lambda v: isinstance(v, list) and len(v) == 3 and isinstance(v[0], str) and _is_stat(v[1:]),
    "l": lambda v: isinstance(v, list) and all(isinstance(p, list) and len(p) == 4 and all(isinstance(x, str) for x in p[:3])
                                                and isinstance(p[3], list) and all(isinstance(r, str) for r in p[3])
                                                for p in v),
    "e": lambda v: (isinstance(v, list) and len(v) == 4 and isinstance(v[0], str) and isinstance(v[1], str)
                    and _is_stat(v[2]) and isinstance(v[3], dict)),
}


def cache_line(table: str, key: str, item: list, encoded: str | None = None) -> str:
    """One line of cache.json (appended by a quick rebuild too); `encoded`,
    the check's JSON if it was made already (in a worker). The two usual
    kinds of line are put together here, not by the encoder: there is one
    for each entry and output file."""
    if table == "e" and isinstance(item[3], Checked):
        data = encoded or _dumps(checked_to_data(item[3]))
        return f'["e",{_text(key)},[{_text(item[0])},{_text(item[1])},{_stat(item[2])},{data}]]\n'
    if table == "p" and len(item) == 3 and isinstance(item[0], str) and _is_stat(item[1:]):
        return f'["p",{_text(key)},[{_text(item[0])},{item[1]},{item[2]}]]\n'
    return _dumps([table, key, item]) + "\n"


def _stat(stat: list[int] | None) -> str:
    return "null" if stat is None else f"[{stat[0]},{stat[1]}]"


_dumps = to_json
_text = encode_basestring   # a str as to_json writes it


# Records (an entry, its quotes, ...) are kept as lists of their fields'
# values in declaration order: whatever fields the dataclass declares,
# each is kept (but those declared cache=False, which each build makes
# again), so no field can be left out of the cache by mistake.

def record_codec(cls: type) -> tuple[Callable[[Any], list], Callable[[list], Any]]:
    """(encode, decode) of a dataclass's kept fields."""
    codec = _RECORDS.get(cls)
    if codec is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        kept = [f.name for f in fields if f.metadata.get("cache", True)]
        encoders = [conversion(hints[name], PartialDate.state, lambda tp: record_codec(tp)[0], "the build cache")
                    for name in kept]
        decoders = [conversion(hints[name], _restore_date, lambda tp: record_codec(tp)[1], "the build cache")
                    for name in kept]
        # Most fields are kept as they are: one C call reads them all, and
        # only the few converted ones (dates, records) cost a Python call.
        read_all = operator.attrgetter(*kept) if len(kept) > 1 else (lambda v: (getattr(v, kept[0]),))
        to_encode = [(k, enc) for k, enc in enumerate(encoders) if enc is not None]
        to_decode = [(k, dec) for k, dec in enumerate(decoders) if dec is not None]
        make = _maker(cls, fields, kept)

        def encode(value: Any) -> list[Any]:
            out = list(read_all(value))
            for k, enc in to_encode:
                out[k] = enc(out[k])
            return out

        def decode(data: list[Any]) -> Any:
            if len(data) != len(kept):
                raise ValueError(f"not a {cls.__name__}")
            values = list(data)
            for k, dec in to_decode:
                values[k] = dec(values[k])
            return make(values)

        codec = _RECORDS[cls] = (encode, decode)
    return codec


def _maker(cls: type, fields: tuple[dataclasses.Field, ...], kept: list[str]) -> Callable[[list[Any]], Any]:
    """How a record is made from its kept fields' values, in order. A plain
    dataclass (no __post_init__, no slots) is filled in directly, as its
    __init__ would fill it, with the fields not kept at their defaults:
    its generated __init__, called with thirty keywords, costs more than
    reading the whole line of JSON. Any other class is called."""
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        return lambda values: cls(**dict(zip(kept, values)))
    missing = [f for f in fields if f.name not in kept]
    if any(f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING for f in missing):
        return lambda values: cls(**dict(zip(kept, values)))   # a required field not kept: __init__ says so
    # As __init__ sets them: a default, or a new value of its factory (a
    # field with neither, which __init__ does not take, is left unset).
    fixed = {f.name: f.default for f in missing if f.default is not dataclasses.MISSING}
    made = [(f.name, f.default_factory) for f in missing
            if f.default is dataclasses.MISSING and f.default_factory is not dataclasses.MISSING]
    new = object.__new__

    def make(values: list[Any]) -> Any:
        obj: Any = new(cls)
        state = obj.__dict__
        state.update(zip(kept, values))
        state.update(fixed)
        for name, factory in made:
            state[name] = factory()
        return obj
    return make


@functools.lru_cache(maxsize=8192)
def _restored(state: tuple) -> PartialDate:
    return PartialDate.restore(list(state))


def _restore_date(state: list) -> PartialDate:
    """A date of the cache; dates are immutable and a timeline holds the
    same ones many times (every entry of a month), so each is made once."""
    return _restored(tuple(state))


_RECORDS: dict[type, tuple] = {}


def checked_to_data(c: Checked) -> dict:
    return {
        "path": c.path, "draft": c.draft, "links": [list(x) for x in c.links], "depends": [list(x) for x in c.depends], "cites": c.cites,
        "problems": [[p.path, p.line, p.message, p.severity] for p in c.problems.items],
        "cited": [[s.source, s.mark, s.kind, [list(x) for x in s.spans]] for s in c.cited],
        "entry": None if c.entry is None else record_codec(Entry)[0](c.entry),
    }


def checked_from_data(d: dict) -> Checked:
    problems = Problems([ContentError(*p) for p in d["problems"]])
    cited = [CitedSpan(s, m, k, tuple(tuple(x) for x in spans)) for s, m, k, spans in d["cited"]]
    entry = None if d["entry"] is None else record_codec(Entry)[1](d["entry"])
    return Checked(d["path"], entry, cited, problems, d["draft"], [tuple(x) for x in d["links"]],
                   depends=[tuple(x) for x in d["depends"]], cites=d["cites"])
