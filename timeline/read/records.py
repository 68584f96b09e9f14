"""Lists of mappings read into declared records (model.Quote, settings.Era,
...): each mapping's keys read as its dataclass declares them (schema.py),
at the line of the item."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, ClassVar, Protocol, TypeVar

from ..errors import Problems
from .fields import Fields
from .schema import declared, known_keys, read_declared
from .yamlread import YList, YMap


class Record(Protocol):
    """What a declared record class has: the words for it in messages, and
    the keys whose line stands for the item's."""

    WHAT: ClassVar[str]
    LINE_FROM: ClassVar[tuple[str, ...]]

    def __init__(self, *args: Any, **kwargs: Any) -> None: ...


R = TypeVar("R", bound=Record)


def read_items(f: Fields, key: str, of: type[R], tz: str, problems: Problems) -> Iterator[R]:
    """Each mapping of the list under `key`, read into an `of`; one that
    lacks a required key is left out (the error is reported)."""
    value = f.map.get(key)
    if value is None:
        return
    if not isinstance(value, YList):
        f.fail(key, f'"{key}" must be a list')
        return
    known = known_keys(of)
    for i, item in enumerate(value):
        line = value.line_of(i)
        if not isinstance(item, YMap):
            problems.error(f.path, line, f'each item of "{key}" must be a mapping ({", ".join(known[:3])}, ...)')
            continue
        made = read_record(Fields(item, f.path, of.WHAT, known, problems, f.language), of, line, tz, problems)
        if made is not None:
            yield made


def read_record(f: Fields, of: type[R], line: int, tz: str, problems: Problems) -> R | None:
    """One mapping read into an `of`, at the line of its first LINE_FROM
    key that is given (else of the item); None if a required key lacks."""
    values = read_declared(of, f, tz, lambda fields, name, sub: list(read_items(fields, name, sub, tz, problems)))
    required, line_from, source_key, check = _record_plan(of)
    for name in required:
        if values[name] is None:
            return None
    item_line = line
    for k in line_from:
        if values.get(k) is not None:
            line = f.line(k)
            break
    if source_key is not None:
        values["source_line"] = f.line(source_key) if source_key in f.map else item_line
    if check is not None and not check(values, f, item_line):
        return None
    return of(line=line, **values)


@functools.cache
def _record_plan(of: type[Record]) -> tuple[tuple[str, ...], tuple[str, ...], str | None, Any]:
    """(required fields, LINE_FROM, SOURCE_KEY, check_read) of a record
    class, looked up once: every quote, figure and citation is read so."""
    required = tuple(x.name for x in declared(of) if x.metadata["required"])
    return required, of.LINE_FROM, getattr(of, "SOURCE_KEY", None), getattr(of, "check_read", None)
