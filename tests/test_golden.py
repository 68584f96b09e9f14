"""Golden output: build tests/fixtures/basic (and tests/fixtures/tracks,
with --drafts) and compare the whole tree, byte for byte, with the
committed copy in tests/golden/basic/ (tests/golden/tracks/).

A deliberate change of the output (templates, CSS, the generator, the
fixture) is made reviewable as one diff by regenerating the copy:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

Then review `git diff tests/golden/` and commit it with the change.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from helpers import REPO, built_basic, built_tracks, snapshot

GOLDEN_ROOT = REPO / "tests" / "golden"
REGENERATE = "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"


def _write_golden(site: Path, golden: Path) -> None:
    if golden.exists():
        shutil.rmtree(golden)
    golden.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site, golden)


def _first_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    for path in sorted(set(expected) & set(actual)):
        if expected[path] == actual[path]:
            continue
        try:
            old = expected[path].decode("utf-8").splitlines(keepends=True)
            new = actual[path].decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            return f"{path}: binary file differs ({len(expected[path])} bytes expected, {len(actual[path])} built)"
        diff = "".join(difflib.unified_diff(old, new, f"golden/{path}", f"built/{path}", n=2))
        lines = diff.splitlines()
        if len(lines) > 80:
            diff = "\n".join(lines[:80]) + f"\n... ({len(lines) - 80} more diff lines)"
        return diff
    return ""


@pytest.mark.parametrize("name", ["basic", "tracks"])
def test_output_matches_the_golden_copy(tmp_path_factory, name):
    site = (built_basic if name == "basic" else built_tracks)(tmp_path_factory)
    golden = GOLDEN_ROOT / name
    if os.environ.get("UPDATE_GOLDEN"):
        _write_golden(site, golden)
    assert golden.is_dir(), f"no golden copy yet; create it with: {REGENERATE}"
    expected, actual = snapshot(golden), snapshot(site)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])
    if missing or extra or changed:
        report = []
        if missing:
            report.append(f"files in the golden copy but not built: {missing}")
        if extra:
            report.append(f"files built but not in the golden copy: {extra}")
        if changed:
            report.append(f"{len(changed)} files differ: {changed}")
            report.append(_first_difference(expected, actual))
        report.append(f"If the change is deliberate, regenerate with: {REGENERATE}")
        raise AssertionError("\n".join(report))
