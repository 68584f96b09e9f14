"""The reference pipeline (TIMELINE_REFERENCE=1: one process, no cache,
plain PyYAML, markdown-it and Jinja, none of timeline/speedups/) and the
normal build write the same bytes, on the fixture, the example and a
generated timeline large enough for the process pool; and the reference
build leaves a given --cache folder empty."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import BASIC, REPO, build, run_build, snapshot

REFERENCE = {"TIMELINE_REFERENCE": "1"}


def build_both(project, tmp_path, *extra):
    fast = build(project, tmp_path / "fast", "--cache", tmp_path / "cache", "--jobs", "2", *extra)
    assert fast.returncode == 0, fast.stderr
    args = ["build", "--content", project / "content", "--seeds", project / "seeds",
            "--out", tmp_path / "reference", "--cache", tmp_path / "reference-cache", *extra]
    plain = run_build(*args, env=REFERENCE)
    assert plain.returncode == 0, plain.stderr
    return snapshot(tmp_path / "fast"), snapshot(tmp_path / "reference")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A timeline of 300 entries (bench/synth.py), split into archive pages."""
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(REPO / "bench" / "synth.py"), "300", str(folder), "--page-size", "40"],
                   check=True, capture_output=True)
    return folder


@pytest.mark.parametrize("extra", [(), ("--base-url", "https://example.org/t/")])
def test_the_fixture_is_built_the_same_both_ways(tmp_path, extra):
    fast, reference = build_both(BASIC, tmp_path, *extra)
    assert fast.keys() == reference.keys()
    assert [p for p in fast if fast[p] != reference[p]] == []
    assert not (tmp_path / "reference-cache").exists() or not any((tmp_path / "reference-cache").iterdir())
    assert (tmp_path / "cache" / "cache.json").is_file()   # the normal build did keep one


def test_the_example_is_built_the_same_both_ways(tmp_path):
    fast, reference = build_both(REPO, tmp_path)
    assert len(fast) > 100
    assert fast == reference


def test_a_generated_timeline_is_built_the_same_both_ways(tmp_path, generated):
    fast, reference = build_both(generated, tmp_path)
    assert any(p.startswith("archive/") for p in fast)
    assert fast == reference


def test_errors_are_the_same_both_ways(tmp_path):
    from helpers import copy_fixture

    project = copy_fixture(tmp_path / "p")
    entry = project / "content" / "2021-03-28-mayor.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    fast = build(project, tmp_path / "fast", "--no-cache")
    plain = run_build("build", "--content", project / "content", "--seeds", project / "seeds",
                      "--out", tmp_path / "reference", env=REFERENCE)
    assert fast.returncode == plain.returncode == 1
    assert fast.stderr == plain.stderr
    assert "titel" in fast.stderr
