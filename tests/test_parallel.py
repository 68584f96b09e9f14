"""The forked worker pool (timeline/speedups/parallel.py): results in order, work
shared, errors from any process raised in the parent, no process left."""

import os
import time

import pytest

from timeline.speedups import parallel
from timeline.errors import ContentError

PARENT = os.getpid()


@pytest.fixture
def forked(monkeypatch) -> list[int]:
    """The pids of the processes forked during the test."""
    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def _all_reaped(pids: list[int]) -> bool:
    """Each has ended and been waited for (other children of the test
    process, such as a browser, are none of this test's business)."""
    assert pids, "no worker was forked: the test tests nothing"
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def _square_with_pid(_state, chunk):
    time.sleep(0.002)   # so that no one process can take every chunk alone
    return [(x * x, os.getpid()) for x in chunk]


@pytest.mark.parametrize("workers", [2, 3])
def test_results_come_back_in_the_order_of_items_and_every_process_works(workers, forked):
    items = list(range(1000))
    out = parallel.run(_square_with_pid, None, items, workers)
    assert [square for square, _ in out] == [x * x for x in items]
    pids = {pid for _, pid in out}
    assert PARENT in pids, "the parent did no share of the work"
    assert len(pids) == workers
    assert _all_reaped(forked)


def test_few_items_or_one_worker_run_in_the_parent_alone():
    assert {pid for _, pid in parallel.run(_square_with_pid, None, list(range(10)), 2)} == {PARENT}
    assert {pid for _, pid in parallel.run(_square_with_pid, None, list(range(500)), 1)} == {PARENT}


def _large_results(state, chunk):
    # 4 KB a result, 8 MB in all: far more than a pipe holds, so the parent
    # must read while the worker writes.
    return [f"{x:08d}" + state for x in chunk]


def test_results_larger_than_a_pipe_arrive_whole(forked):
    filler = "x" * 4000
    out = parallel.run(_large_results, filler, list(range(2000)), 2)
    assert out == [f"{x:08d}" + filler for x in range(2000)]
    assert _all_reaped(forked)


def _in_a_worker(then):
    """A task that calls `then()` in a forked worker; the parent works on."""
    def task(_state, chunk):
        if os.getpid() != PARENT:
            then()
        time.sleep(0.01)
        return list(chunk)
    return task


def _raise(exc):
    raise exc


def test_an_error_raised_in_a_worker_is_raised_in_the_parent_whole(forked):
    task = _in_a_worker(lambda: _raise(ContentError("content/a.md", 7, "broken in a worker")))
    with pytest.raises(ContentError) as caught:
        parallel.run(task, None, list(range(200)), 2)
    assert str(caught.value) == "content/a.md:7: error: broken in a worker"
    assert isinstance(caught.value.__cause__, parallel.WorkerFailed)
    assert "in _raise" in str(caught.value.__cause__), "the worker's traceback is kept"
    assert _all_reaped(forked)


class _Unpicklable(Exception):
    def __init__(self, thing):
        super().__init__("cannot travel")
        self.thing = thing

    def __reduce__(self):
        raise TypeError("no")


def test_an_error_that_cannot_be_pickled_still_arrives_described(forked):
    with pytest.raises(parallel.WorkerFailed, match="_Unpicklable: cannot travel"):
        parallel.run(_in_a_worker(lambda: _raise(_Unpicklable(lambda: 0))), None, list(range(200)), 2)
    assert _all_reaped(forked)


def test_a_worker_that_dies_is_reported(forked):
    with pytest.raises(parallel.WorkerFailed, match="ended before finishing"):
        parallel.run(_in_a_worker(lambda: os._exit(3)), None, list(range(200)), 2)
    assert _all_reaped(forked)


def _fail_in_parent(_state, chunk):
    if os.getpid() == PARENT:
        raise ContentError("content/b.md", 2, "broken in the parent")
    time.sleep(60)   # a worker that would outlive the parent's error
    return list(chunk)


def test_an_error_in_the_parent_stops_the_workers(forked):
    started = time.monotonic()
    with pytest.raises(ContentError, match="broken in the parent"):
        parallel.run(_fail_in_parent, None, list(range(200)), 3)
    assert time.monotonic() - started < 30, "the parent waited for its workers instead of stopping them"
    assert _all_reaped(forked)


def test_the_parents_own_work_is_done_once_while_the_workers_take_the_chunks():
    calls = []

    def meanwhile():
        calls.append(os.getpid())
        time.sleep(0.5)   # the worker goes on meanwhile, chunk after chunk

    out = parallel.run(_square_with_pid, None, list(range(1000)), 2, meanwhile=meanwhile)
    assert calls == [PARENT]
    by_parent = sum(1 for _, pid in out if pid == PARENT)
    assert by_parent < 500, "the parent took an equal share though it was busy"
    assert [square for square, _ in out] == [x * x for x in range(1000)]

    calls.clear()
    assert parallel.run(_square_with_pid, None, list(range(10)), 2, meanwhile=meanwhile)[0] == (0, PARENT)
    assert calls == [PARENT], "without workers it is done all the same"


def test_a_value_that_several_output_files_share_is_made_in_one_process(tmp_path, monkeypatch):
    # timelinejs.json and timelinejs.js are two jobs made from one lazily
    # made value (every entry's TimelineJS event): done in two processes, it
    # was made twice. Each making is logged with its process, across the fork.
    import subprocess
    import sys
    from pathlib import Path

    from timeline.render import render
    from timeline.write import output
    from timeline.model.assemble import Folders
    from timeline.project import Options, Project
    from timeline.speedups import FastEngine

    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(repo / "bench" / "synth.py"), "120", str(tmp_path / "t")],
                   check=True, capture_output=True)
    log = tmp_path / "made.log"
    make = render.make

    def logged(file, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{file.name} {os.getpid()}\n")
        return make(file, *args, **kwargs)

    monkeypatch.setattr(render, "make", logged)
    writers = tmp_path / "written.log"
    write_new = output._write_moved

    def logged_write(path, data, *args, **kwargs):
        with open(writers, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return write_new(path, data, *args, **kwargs)

    monkeypatch.setattr(output, "_write_moved", logged_write)
    folders = Folders(tmp_path / "t" / "content", tmp_path / "t" / "seeds", "content", "seeds")
    result = Project(Options(folders, out_dir=tmp_path / "site"), FastEngine(None, 2)).build()
    assert result.ok and (tmp_path / "site" / "timelinejs.js").is_file()
    made = log.read_text(encoding="utf-8").split("\n")[:-1]
    names = [line.split()[0] for line in made]
    assert sorted(names) == sorted(set(names)) and "timelinejs" in names, made
    assert len(set(writers.read_text(encoding="utf-8").split())) == 2, "both processes wrote pages"
