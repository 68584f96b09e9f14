"""Every field is declared once (timeline/schema.py) and nothing that
follows from the declaration can forget one: each declared field survives
the build cache, reaches timeline.json, and is a known key of its mapping.
The values are made from the declarations themselves, so a field added
tomorrow is covered by these tests without a change to them."""

from __future__ import annotations

import dataclasses
import json
import shutil
import typing
from pathlib import Path

import pytest

from helpers import REPO, build, copy_fixture, snapshot
from timeline.read.dates import PartialDate, parse_date
from timeline.read.entry import Citation, Correction, Entry, Figure, Media, Quote
from timeline.read.schema import declared, key_name, known_keys
from timeline.read.settings import Settings
from timeline.read.sources import Source
from timeline.speedups.cache import record_codec

RECORDS = [Entry, Citation, Quote, Figure, Correction, Media]

# A 1 x 1 PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
                    "0000000a4944415478da63600000000200015e5ef6a50000000049454e44ae426082")


def sample(tp, name: str):
    """A value of type `tp` that is no field's default."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return sample(args[0], name) if len(args) == 1 else 2.5
    if origin is list:
        return [sample(typing.get_args(tp)[0], name), sample(typing.get_args(tp)[0], name + "2")]
    if origin is tuple:
        return tuple(sample(a, name) for a in typing.get_args(tp))
    if tp is PartialDate:
        return parse_date("2021-03-04T05:06", "Europe/Oslo")
    if dataclasses.is_dataclass(tp):
        return instance(tp)
    if tp is bool:
        return True
    if tp is int:
        return 7
    if tp is str:
        return f"{name} value"
    return {"any": [name]}


def instance(cls):
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: sample(hints[f.name], f.name) for f in dataclasses.fields(cls) if f.init})


def kept(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.metadata.get("cache", True)]


def plain(value):
    """A value compared field by field (entries compare by identity)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, PartialDate):
        return {name: plain(getattr(value, name)) for name in kept(type(value))}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, PartialDate):
        return value.state()
    return value


@pytest.mark.parametrize("cls", RECORDS, ids=[c.__name__ for c in RECORDS])
def test_every_field_survives_the_cache(cls):
    encode, decode = record_codec(cls)
    original = instance(cls)
    back = decode(json.loads(json.dumps(encode(original))))
    for name in kept(cls):
        assert plain(getattr(back, name)) == plain(getattr(original, name)), name
    # and the sample sets every field to something other than its default
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            assert getattr(original, f.name) != f.default, f.name


@pytest.mark.parametrize("cls", [*RECORDS, Source, Settings], ids=lambda c: c.__name__)
def test_every_declared_key_is_known_and_named_once(cls):
    names = [key_name(f) for f in declared(cls)]
    assert len(names) == len(set(names))
    assert known_keys(cls) == tuple(names)


# ---- a whole entry with every declared key set, built with and without the cache

QUOTED = "He said 3,500 people used the bridge daily."


def yaml_value(f, indent: str) -> str:
    """The YAML of a declared key, made from its declaration."""
    read, name = f.metadata["read"], key_name(f)
    if name in ("source", "id"):
        return "radio"
    if name == "file":
        return "pictures/a.png"
    if name in ("text", "passage") and f.metadata["read"] == "text":
        return json.dumps(QUOTED)
    return {
        "text": lambda: json.dumps(f"the {name}"),
        "date": lambda: "2021-03-29",
        "flag": lambda: "true",
        "text_list": lambda: f"[{name} one, {name} two]",
        "number": lambda: "3500",
        "url": lambda: "https://example.org/" + name,
        "plain": lambda: "{a: [1, two]}",
    }[read]()


def mapping(cls, indent: str) -> list[str]:
    lines = []
    for f in declared(cls):
        name, read = key_name(f), f.metadata["read"]
        if read == "items":
            lines.append(f"{indent}{name}:")
            sub = mapping(f.metadata["of"], indent + "    ")
            if f.metadata["of"] is Media:
                # A media item has either a file or a url: one item of each.
                for left_out in ("url:", "file:"):
                    kept_lines = [line for line in sub if not line.lstrip().startswith(left_out)]
                    lines.append(indent + "  - " + kept_lines[0].lstrip())
                    lines.extend(kept_lines[1:])
                continue
            lines.append(indent + "  - " + sub[0].lstrip())
            lines.extend(sub[1:])
        elif name == "sources":
            lines.append(f"{indent}sources:")
            sub = mapping(Citation, indent + "    ")
            lines.append(indent + "  - " + sub[0].lstrip())
            lines.extend(sub[1:])
        elif cls is Correction and name == "text":
            lines.append(f"{indent}{name}: A figure was corrected.")
        else:
            lines.append(f"{indent}{name}: {yaml_value(f, indent)}")
    return lines


def test_an_entry_with_every_declared_key_is_the_same_from_the_cache(tmp_path):
    project = copy_fixture(tmp_path / "project")
    (project / "content" / "2021-draft.md").unlink()   # it has errors, shown under --drafts
    front = "\n".join(mapping(Entry, ""))
    (project / "content" / "pictures").mkdir()
    (project / "content" / "pictures" / "a.png").write_bytes(PNG)
    (project / "content" / "2021-03-29-everything.md").write_text(f"---\n{front}\n---\nA body.\n", encoding="utf-8")
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    cache = tmp_path / "cache"
    first = build(project, tmp_path / "site", "--cache", cache, "--drafts", "--templates", templates)
    assert first.returncode == 0, first.stderr
    # A template changed: every page is made again, from the kept checks.
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- changed --></body>"), encoding="utf-8")
    again = build(project, tmp_path / "site", "--cache", cache, "--drafts", "--templates", templates)
    assert again.returncode == 0, again.stderr
    fresh = build(project, tmp_path / "fresh", "--no-cache", "--drafts", "--templates", templates)
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "fresh")
    data = json.loads((tmp_path / "fresh" / "timeline.json").read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["slug"] == "2021-03-29-everything")
    # every declared key of an entry (and of its items) is in timeline.json
    for f in declared(Entry):
        assert key_name(f) in entry, key_name(f)
        if f.metadata["read"] == "items" or key_name(f) == "sources":
            of = f.metadata["of"] or Citation
            assert set(known_keys(of)) <= set(entry[key_name(f)][0]), key_name(f)
    assert entry["extra"] == {"a": ["1", "two"]} and entry["draft"] is True
