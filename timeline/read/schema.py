"""Each field of an entry, a source and the settings is declared once, on
its dataclass (model.py, sources.py, settings.py), with `key(...)`: its
name in the YAML, how it is read, whether it is required, whether it goes
into timeline.json. From that declaration follow:

- the keys a mapping may hold, and the "did you mean" of an unknown one
  (`known_keys`);
- reading a mapping into the dataclass's fields (`read_declared`);
- the JSON of timeline.json (`to_data`), in declaration order;
- the build cache's encoding (speedups/cache.py walks the same fields).

A field that is not a key (the entry's slug, a rendered body) is a plain
dataclass field; `json=True` in its metadata puts it in timeline.json too.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import TYPE_CHECKING, Any, Callable

from .dates import PartialDate

if TYPE_CHECKING:
    from .fields import Fields

# How a key's value is read: the name of a fields.Fields method.
READERS = ("text", "date", "flag", "text_list", "number", "url", "plain", "items", "custom")


def key(read: str, *, required: bool = False, name: str | None = None, json: bool = True,
        of: type | None = None, then: tuple[tuple[str, str], ...] = (), default: Any = None,
        default_factory: Callable[[], Any] | None = None) -> Any:
    """Declare a dataclass field that is read from a key of a mapping.

    `read`: one of READERS ("items": a list of mappings, each read into
    `of`; "custom": read by the module that owns the dataclass). `name`:
    the key, if not the field's name. `json`: whether timeline.json holds
    it. `then`: (JSON name, attribute) pairs written right after it, for
    values made from it (an entry's date precision)."""
    assert read in READERS, read
    metadata = {"key": name, "read": read, "required": required, "json": json, "of": of, "then": then}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    if read in ("text_list", "items"):
        return dataclasses.field(default_factory=list, metadata=metadata)
    if read == "flag":
        return dataclasses.field(default=bool(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def derived(*, json: bool = False, cache: bool = True, then: tuple[tuple[str, str], ...] = (),
            name: str | None = None, default: Any = None, default_factory: Callable[[], Any] | None = None) -> Any:
    """Declare a field that is not read from a key but made from the rest
    (a slug, a rendered body). `cache=False`: not kept in the build cache
    (made again by each build). `name`: its name in timeline.json, if not
    the field's."""
    metadata = {"key": name, "read": None, "json": json, "cache": cache, "then": then}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def key_name(f: dataclasses.Field) -> str:
    return f.metadata.get("key") or f.name


def is_key(f: dataclasses.Field) -> bool:
    return f.metadata.get("read") is not None


@functools.cache
def declared(cls: type) -> tuple[dataclasses.Field, ...]:
    """The fields of `cls` read from keys, in declaration order."""
    return tuple(f for f in dataclasses.fields(cls) if is_key(f))


@functools.cache
def known_keys(cls: type) -> tuple[str, ...]:
    """The keys a mapping of `cls` may hold."""
    return tuple(key_name(f) for f in declared(cls))


def read_declared(cls: type, fields: Fields, tz: str,
                  read_items: Callable[[Fields, str, type], list[Any]] | None) -> dict[str, Any]:
    """Each declared field of `cls` but the custom ones, read from the
    mapping behind `fields`: {attribute: value}. `read_items(fields, key,
    of)` reads a list of mappings (None for a class that declares none)."""
    out: dict[str, Any] = {}
    given = fields.map
    for attribute, name, read, required, of, default, absent in _reading_plan(cls):
        if name not in given and not required:
            # What its reader gives for a missing key, without the call:
            # most declared keys are absent from most mappings.
            out[attribute] = [] if absent is list else absent
            continue
        if read == "text" or read == "number":
            value = getattr(fields, read)(name, required)
        elif read == "date":
            value = fields.date(name, tz, required)
        elif read == "items":
            if read_items is None:
                raise TypeError(f"{cls.__name__} declares a list of records: read_declared needs read_items")
            value = read_items(fields, name, of)
        else:   # flag, text_list, url, plain
            value = getattr(fields, read)(name)
        out[attribute] = default if value is None and default is not dataclasses.MISSING else value
    return out


@functools.cache
def _reading_plan(cls: type) -> tuple[tuple, ...]:
    """(attribute, key, read, required, of, default, absent) of each declared
    field read by read_declared, worked out once per class. `absent` is the
    value of a missing key that is not required: `list` for a new empty
    list, else the value itself."""
    plan = []
    for f in declared(cls):
        read = f.metadata["read"]
        if read == "custom":
            continue
        if read in ("text_list", "items"):
            absent: Any = list
        elif read == "flag":
            absent = False
        else:   # text, number, date, url, plain: None, or the field's default
            absent = None if f.default is dataclasses.MISSING else f.default
        plan.append((f.name, key_name(f), read, f.metadata["required"], f.metadata["of"], f.default, absent))
    return tuple(plan)


def to_data(value: object) -> dict[str, Any]:
    """A declared dataclass as timeline.json holds it: an object of its
    JSON fields in declaration order, dates as ISO 8601, records as objects."""
    out: dict[str, Any] = {}
    cls: type = type(value)   # as a `type`, which mypy knows is hashable (type[object] it does not)
    for name, attribute, convert, then in _json_plan(cls):
        item = getattr(value, attribute)
        out[name] = item if convert is None else convert(item)
        for extra, source in then:
            out[extra] = getattr(value, source)
    return out


@functools.cache
def _json_plan(cls: type) -> tuple[tuple, ...]:
    """(JSON name, attribute, conversion or None, then) of each JSON field,
    worked out once per class from its type hints."""
    hints = typing.get_type_hints(cls)
    return tuple((key_name(f), f.name, conversion(hints[f.name], PartialDate.iso, lambda _: to_data, "timeline.json"),
                  f.metadata.get("then", ()))
                 for f in dataclasses.fields(cls) if f.metadata.get("json"))


def conversion(tp: Any, date: Callable[[Any], Any], record: Callable[[type], Callable[[Any], Any]],
               what: str) -> Callable[[Any], Any] | None:
    """How a value of a declared field's type `tp` is converted, through
    lists and optional values: `date` for a PartialDate, `record(cls)` for a
    dataclass; None for a value kept as it is (text, numbers, flags, plain
    YAML). `what` names the converting side in the error for any other type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = conversion(args[0], date, record, what) if len(args) == 1 else None   # int | float: as it is
        return None if optional is None else (lambda v: None if v is None else optional(v))
    if origin is list:
        each = conversion(typing.get_args(tp)[0], date, record, what)
        return None if each is None else (lambda v: [each(x) for x in v])
    if tp is PartialDate:
        return date
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return record(tp)
    if tp in (str, int, float, bool) or tp is Any:
        return None
    raise TypeError(f"{what} cannot hold a value of type {tp}")
