"""The preview's garbage collection (serve/collector.py): held off while it
builds, run when it is idle, and a replaced build's renderer let go of
what it rendered without waiting for it."""

from __future__ import annotations

import gc
import re
import shutil
import time
import weakref

import pytest

from test_cache import make_large
from timeline.model.assemble import Folders
from timeline.project import Options, Project
from timeline.serve.collector import Collector
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


def test_cycles_wait_for_an_idle_look_after_a_build_and_enough_of_them(held_off):
    collector = Collector(least_growth=5_000)
    try:
        assert not gc.isenabled()
        collector.kept = len(gc.get_objects())
        with collector.building():
            few = cycles(100)
        assert not collector.idle() and few() is not None   # too few to walk the heap for
        many = cycles(max(10_000, collector.kept // 2))
        assert many() is not None   # nothing collects while held off
        assert not collector.idle() and many() is not None   # it looks once after each build
        with collector.building():
            gc.freeze()   # as the process pool does: the collector's own counts are set to nought
            gc.unfreeze()
        assert collector.idle()
        assert many() is None and few() is None
        with collector.building():
            pass
        assert not collector.idle()   # what the collection left is the measure now
    finally:
        collector.close()


def test_builds_that_never_leave_it_idle_collect_every_so_many(held_off):
    collector = Collector(most_builds=3)
    try:
        some = cycles(1_000)
        for _ in range(3):
            with collector.building():
                pass
        assert some() is not None
        with collector.building():
            assert some() is None   # collected before the fourth build
    finally:
        collector.close()


def test_its_thread_collects_once_the_builds_leave_it_idle(held_off):
    collector = Collector(idle_seconds=0.2, least_growth=1_000)
    collector.start()
    try:
        with collector.building():
            some = cycles(max(5_000, collector.kept // 2))
            time.sleep(0.5)
            assert some() is not None   # never within a build
        deadline = time.monotonic() + 10
        while some() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert some() is None
    finally:
        collector.close()
    assert collector.thread is not None and not collector.thread.is_alive()


def test_close_gives_back_the_collector_as_it_was(held_off):
    gc.enable()
    Collector().close()
    assert gc.isenabled()
    gc.disable()
    Collector().close()
    assert not gc.isenabled()


def test_a_build_that_replaces_the_last_lets_its_renderer_go_of_what_it_rendered(tmp_path, held_off):
    project = make_large(tmp_path / "project", count=30)
    site = tmp_path / "site"
    folders = Folders(project / "content", project / "seeds", "content", "seeds")
    kept = Project(Options(folders, site), FastEngine(tmp_path / "cache", 2), lasting=True)
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
    # Until the cyclic collector frees it (it and its template environment
    # hold each other), the old renderer holds nothing it rendered.
    if old() is not None:
        assert not old()._fragments and not old()._value_fragments and not old()._joined
    assert kept.last.renderer._fragments
    kept.engine.prepare(kept)   # as the preview does after a build: the engine lets the last one go
    gc.collect()
    assert old() is None
    shutil.rmtree(site)
