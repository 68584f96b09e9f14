"""The quick rebuild's new tree, made by a child process (output.Replica):
a whole replica of the site, linked, never written through; abandoned, its
child stopped and reaped, a new tree removed and a spare one left for the
next build to repair; stopped by Ctrl-C as it begins, nothing left; not
swapped in when the site is not as its caller expects."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from timeline.write import output
from timeline.write.output import Replica, mirror, replace_files


def make_site(root: Path, count: int = 300) -> Path:
    site = root / "site"
    for i in range(count):
        folder = site / ("entries" if i % 3 else "tags")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{i}.html").write_text(f"page {i}\n", encoding="utf-8")
    (site / "index.html").write_text("home\n", encoding="utf-8")
    return site


def files_of(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}


def child_gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True   # reaped already
    return False


def test_a_replica_becomes_the_site_with_the_changed_files_and_the_old_site_is_untouched(tmp_path):
    site = make_site(tmp_path)
    spare = tmp_path / ".site.spare"
    before = files_of(site)
    old_home = (site / "index.html").stat().st_ino
    replica = Replica(site, spare, None)
    replace_files(site, {"index.html": b"new home\n"}, spare, replica=replica)
    after = files_of(site)
    assert after == {**before, "index.html": b"new home\n"}
    # The tree swapped out is the old site, kept as the spare, its home page the old file.
    assert files_of(spare) == before and (spare / "index.html").stat().st_ino == old_home
    assert child_gone(replica.pid) or replica.pid == 0
    # Made again from the spare: only what differs is linked anew.
    replica = Replica(site, spare, None)
    replace_files(site, {"entries/page-1.html": b"changed\n"}, spare, replica=replica)
    assert files_of(site) == {**after, "entries/page-1.html": b"changed\n"}
    assert files_of(spare) == after


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "without fork"])
@pytest.mark.parametrize("with_spare", [True, False], ids=["from the spare", "a new tree"])
def test_a_replica_whose_check_fails_is_not_swapped_in(tmp_path, monkeypatch, fork, with_spare):
    site = make_site(tmp_path)
    spare = tmp_path / ".site.spare"
    if with_spare:
        replace_files(site, {"index.html": b"home\n"}, spare)   # leaves the old site as the spare
    before = files_of(site)
    if not fork:
        monkeypatch.delattr(os, "fork")
    looked: list[bool] = []

    def check() -> bool:
        looked.append(True)   # in a child, this list is the child's copy
        return (site / "index.html").read_bytes() == b"home\n"

    (site / "index.html").write_bytes(b"changed by hand\n")
    with pytest.raises(OSError, match="not as expected"):
        replace_files(site, {"entries/page-1.html": b"new\n"}, spare, replica=Replica(site, spare, None, check))
    assert files_of(site) == {**before, "index.html": b"changed by hand\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site"] + [spare.name] * with_spare)
    # The child looks where it repairs the spare; the caller's process otherwise.
    assert looked == ([] if fork and with_spare else [True])
    if fork and with_spare:
        # Asked again, a replica that failed still says so.
        replica = Replica(site, spare, None, check)
        for _ in range(2):
            with pytest.raises(OSError, match="not as expected"):
                replica.finish()
        replica.abandon()
    # As expected: swapped in.
    (site / "index.html").write_bytes(b"home\n")
    replace_files(site, {"entries/page-1.html": b"new\n"}, spare, replica=Replica(site, spare, None, check))
    assert files_of(site) == {**before, "entries/page-1.html": b"new\n"}


def test_an_abandoned_replica_is_stopped_and_a_new_tree_removed(tmp_path):
    site = make_site(tmp_path, 3000)
    before = files_of(site)
    replica = Replica(site, tmp_path / ".site.spare", None)   # no spare yet: a new tree, not kept
    staging = replica.staging
    replica.abandon()
    assert replica.pid == 0 or child_gone(replica.pid)
    assert not staging.exists()
    assert files_of(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("stopped", [False, True], ids=["whole", "stopped half-way"])
def test_an_abandoned_new_tree_kept_becomes_the_spare_that_the_next_replica_repairs(tmp_path, monkeypatch, stopped):
    site = make_site(tmp_path, 3000)
    spare = tmp_path / ".site.spare"
    before = files_of(site)
    if stopped:
        # The child linked a third of the site when it was stopped.
        real = output.link_unchanged
        monkeypatch.setattr(output, "link_unchanged",
                            lambda out_dir, staging, paths: real(out_dir, staging, paths[: len(paths) // 3]))
    replica = Replica(site, spare, None)   # no spare yet: a new tree
    staging = replica.staging
    if not stopped:
        replica.finish()
    replica.abandon(keep=True)
    assert replica.pid == 0 or child_gone(replica.pid)
    assert not staging.exists() and spare.is_dir()
    kept = files_of(spare)
    assert (len(kept) == len(before)) != stopped and kept.items() <= before.items()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", spare.name])
    monkeypatch.undo()
    # The next replica is made from it, whole, and swapped in.
    replace_files(site, {"index.html": b"new home\n"}, spare, replica=Replica(site, spare, None))
    assert files_of(site) == {**before, "index.html": b"new home\n"}
    assert files_of(spare) == before


def test_an_abandoned_new_tree_with_nowhere_to_keep_it_is_removed(tmp_path):
    site = make_site(tmp_path, 300)
    replica = Replica(site, None, None)
    replica.abandon(keep=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_child_that_could_not_repair_the_spare_leaves_the_check_to_the_caller(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    spare = tmp_path / ".site.spare"
    replace_files(site, {"index.html": b"home\n"}, spare)   # leaves the old site as the spare
    looked: list[bool] = []

    def check() -> bool:
        looked.append(True)   # in the child, its own copy of the list
        return (site / "index.html").read_bytes() == b"home\n"

    def broken(self) -> None:
        raise OSError("the spare cannot be repaired")

    monkeypatch.setattr(Replica, "_make", broken)   # the child inherits it
    replica = Replica(site, spare, None, check)
    assert replica.child_checks or not hasattr(os, "fork")
    replica.confirm()   # the site is as expected: looked at here, the child having ended before
    assert looked == [True]
    with pytest.raises(OSError, match="was not made"):
        replica.finish()
    replica.abandon()


def test_an_abandoned_replica_leaves_the_spare_for_the_next_build_to_repair(tmp_path):
    site = make_site(tmp_path, 3000)
    spare = tmp_path / ".site.spare"
    replace_files(site, {"index.html": b"second\n"}, spare)   # leaves the old site as the spare
    replica = Replica(site, spare, None)
    replica.abandon()
    assert spare.is_dir()
    assert mirror(site, spare) == spare
    assert files_of(spare) == files_of(site)


def test_a_replica_interrupted_as_it_begins_leaves_no_child_and_no_tree(tmp_path, monkeypatch):
    # Ctrl-C while the signals are held (the fork under way) is raised as
    # they are let go, inside Replica(): the caller never gets the replica
    # to abandon, so the constructor must.
    site = make_site(tmp_path, 3000)
    before = files_of(site)
    real_fork = os.fork
    forked: list[int] = []

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
            # After the fork and its hooks (an exception raised in one of
            # those is ignored), before the signals are let go. Sent to this
            # thread: one sent to the process goes to any thread that does
            # not hold it, if another thread is alive in the test run.
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    with pytest.raises(KeyboardInterrupt):
        Replica(site, tmp_path / ".site.spare", None)
    monkeypatch.setattr(os, "fork", real_fork)
    assert forked and child_gone(forked[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert files_of(site) == before
