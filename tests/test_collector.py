"""The preview's garbage collection (serve/collector.py): held off while it
builds, run when it is idle, and a replaced build's renderer let go of
what it rendered without waiting for it."""

from __future__ import annotations

import gc
import re
import shutil
import threading
import time
import weakref
from pathlib import Path

import pytest

from test_cache import make_large
from timeline.model.assemble import Folders
from timeline.project import Options, Project
from timeline.serve.collector import Collector
from timeline.serve.watch import Watcher
from timeline.speedups import FastEngine


class Node:
    def __init__(self) -> None:
        self.me = self   # a cycle: freed by the cyclic collector alone


def cycles(count: int) -> weakref.ref:
    """`count` objects left as cyclic garbage; a weak reference to one."""
    nodes = [Node() for _ in range(count)]
    watched = weakref.ref(nodes[0])
    del nodes
    return watched


@pytest.fixture
def held_off():
    was = gc.isenabled()
    gc.collect()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_cycles_wait_for_an_idle_moment_and_enough_of_them(held_off):
    collector = Collector(least_pending=5_000)
    try:
        assert not gc.isenabled()
        few = cycles(100)
        assert not collector.idle() and few() is not None   # too few to walk the heap for
        many = cycles(max(10_000, collector.kept // 2))
        assert many() is not None   # nothing collects while held off
        assert collector.idle()
        assert many() is None and few() is None
        # What the collection left is what the next one is measured against.
        assert collector.pending() < 1_000
        assert not collector.idle()
    finally:
        collector.close()


def test_before_a_build_it_collects_only_past_twice_what_it_kept(held_off):
    collector = Collector(least_pending=5_000)
    try:
        some = cycles(collector.kept // 2 + 5_000)
        assert not collector.before_build() and some() is not None
        more = cycles(2 * collector.kept)
        assert collector.before_build()
        assert some() is None and more() is None
    finally:
        collector.close()


def test_close_gives_back_the_collector_as_it_was(held_off):
    gc.enable()
    Collector().close()
    assert gc.isenabled()
    gc.disable()
    Collector().close()
    assert not gc.isenabled()


def test_the_watcher_calls_idle_while_nothing_changes_and_yields_a_change(tmp_path):
    (tmp_path / "content").mkdir()
    watcher = Watcher([tmp_path / "content"], [], poll=False)
    stop = threading.Event()
    idle: list[float] = []
    batches: list[list[Path]] = []

    def watch() -> None:
        for changed in watcher.batches(stop, lambda: idle.append(time.monotonic()), idle_ms=100):
            batches.append(changed)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while len(idle) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(idle) >= 3 and not batches
        (tmp_path / "content" / "a.md").write_text("x", encoding="utf-8")
        while not batches and time.monotonic() < deadline:
            time.sleep(0.05)
        assert batches and batches[0][0].name == "a.md"
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_a_build_that_replaces_the_last_lets_its_renderer_go_of_what_it_rendered(tmp_path, held_off):
    project = make_large(tmp_path / "project", count=30)
    site = tmp_path / "site"
    folders = Folders(project / "content", project / "seeds", "content", "seeds")
    kept = Project(Options(folders, site), FastEngine(tmp_path / "cache", 1), lasting=True)
    gc.disable()
    assert kept.build().ok and kept.last is not None
    old = weakref.ref(kept.last.renderer)
    assert old()._fragments   # it rendered every card once
    entry = next((project / "content").rglob("*-gen-012.md"))
    text = entry.read_text(encoding="utf-8")
    moved = re.sub(r"^date: (\d{4}-\d\d)-(\d\d)", lambda m: f"date: {m.group(1)}-{int(m.group(2)) % 27 + 1:02d}",
                   text, count=1, flags=re.M)
    assert moved != text
    entry.write_text(moved, encoding="utf-8")
    result = kept.rebuild([entry], complete=True)
    assert result.ok and not result.quick   # a date moved: the full build, with a new renderer
    assert kept.last is not None and kept.last.renderer is not old()
    # The old renderer waits for the cyclic collector (it and its template
    # environment hold each other), holding nothing it rendered meanwhile.
    assert old() is not None
    assert not old()._fragments and not old()._value_fragments and not old()._joined
    assert kept.last.renderer._fragments
    kept.engine.prepare(kept)   # as the preview does after a build: the engine lets the last one go
    gc.collect()
    assert old() is None
    shutil.rmtree(site)
