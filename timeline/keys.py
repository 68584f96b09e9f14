"""What a page is made from, as one key: an unchanged key means the page
would come out the same, so a build may leave it as it is.

A page's key is a digest of its template's inputs, the values its view
gives the template (render.plan_site's contexts), walked here whatever
they hold: no page kind has a hand-kept list of what it shows, and a
field a template starts to show is covered without a change to any key
code. An entry stands for itself by its hash (its file and what it was
checked against) and the groups its tags and people link to; a source by
its fields, its text by its SHA-256. A value computed later (render.Lazy)
stands for its function and arguments."""

from __future__ import annotations

import dataclasses
from typing import Any

from .dates import PartialDate
from .hashing import digest_text


_FIELDS: dict[type, tuple[str, ...]] = {}   # a dataclass's field names
_SCALARS = frozenset((str, int, float, bool, type(None)))


class KeyMaker:
    """Keys for the pages of one build: values shared by many pages (the
    sources, a tag's entries) are walked once."""

    def __init__(self, base: str):
        self.base = base
        self.memo: dict[int, str] = {}
        self.keep: list[Any] = []   # what the memo's ids stand for, kept alive while it is used

    def key(self, path: str, template: str, context: dict[str, Any]) -> str:
        # The context itself is the page's own: walked, not remembered.
        memo, part = self.memo, self.part
        parts = [f"{name}={memo.get(id(value)) or part(value)}" for name, value in context.items()]
        return digest_text(f"{self.base}\0{path}\0{template}\0" + "\0".join(parts))

    def part(self, value: Any) -> str:
        """A text that differs whenever what `value` can show differs."""
        kind = type(value)
        if kind is str:
            return repr(value)
        if value is None or kind in (int, float, bool):
            return repr(value)
        known = self.memo.get(id(value))
        if known is not None:
            return known
        made = self._made(value, kind)
        if len(made) > 64:
            # Shared values stand in many keys: by their digest, not whole.
            made = "#" + digest_text(made)
        self.memo[id(value)] = made
        self.keep.append(value)
        return made

    def _made(self, value: Any, kind: type) -> str:
        own = getattr(value, "key_part", None)
        if own is not None:
            return own()
        if kind is PartialDate:
            return f"D{value.state()!r}"
        if kind is tuple and all(type(v) in _SCALARS or (type(v) is tuple and all(type(x) is int for x in v))
                                 for v in value):
            return repr(value)   # offsets in a text, and the like
        if kind in (list, tuple):
            # Most items were walked before (entries, on many pages): their
            # parts are looked up here, without a call for each.
            memo, part = self.memo, self.part
            return "[" + ",".join([memo.get(id(v)) or part(v) for v in value]) + "]"
        if kind is dict:
            return "{" + ",".join([f"{self.part(k)}:{self.part(v)}" for k, v in value.items()]) + "}"
        if kind in (set, frozenset):
            return "S" + repr(sorted(value))
        names = _FIELDS.get(kind)
        if names is None and dataclasses.is_dataclass(value):
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            return kind.__name__ + "(" + ",".join([self.part(getattr(value, name)) for name in names]) + ")"
        lazy = getattr(value, "key_of_lazy", None)
        if lazy is not None:
            fn, args = lazy()
            return f"L{fn.__module__}.{fn.__qualname__}(" + ",".join([self.part(a) for a in args]) + ")"
        if isinstance(value, str):   # Markup
            return repr(str(value))
        raise TypeError(f"a page's key cannot be made of a {kind.__name__}")
