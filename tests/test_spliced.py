"""A file rewritten around its changed pieces (output.Spliced), as the
quick rebuild rewrites a timeline's JSON and its exports: what it writes
is exactly what bytes.replace would make of the whole file, wherever the
pieces fall against the windows it reads in; a piece found another
number of times is refused; the copy goes by the system's call or,
where that is refused, by a buffer, to the same bytes; a file changed in
place between the search and the copy is not copied; a spliced file
replaces the replica's link, never writes through it. The quick rebuild
splices the large files, and a no-op keeps the tree it began as the
spare; the live preview writes a one-piece change around it, or joins
the file whole where the file on disk is not what it last wrote."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from helpers import snapshot

from timeline.write import output
from timeline.write.output import Replica, Spliced, replace_files

# Few letters, so that a piece is found often, across window edges too.
TEXT = st.binary(min_size=0, max_size=200).map(lambda b: bytes(97 + x % 3 for x in b))
PIECE = st.binary(min_size=1, max_size=6).map(lambda b: bytes(97 + x % 3 for x in b))


def written(spliced: Spliced, folder: Path) -> bytes:
    target = folder / "new"
    if target.exists():
        target.unlink()
    try:
        output._write_new(str(target), spliced)
    finally:
        spliced.close()
    return target.read_bytes()


@st.composite
def text_and_piece(draw) -> tuple[bytes, bytes]:
    """A piece, and a text made of it, of it overlapping itself and of
    other letters."""
    before = draw(PIECE)
    parts = st.one_of(st.just(before), st.just(before + before[1:]), st.just(before[:-1]), TEXT.map(lambda t: t[:8]))
    return b"".join(draw(st.lists(parts, max_size=30))), before


@settings(max_examples=300, deadline=None)
@given(text=text_and_piece(), after=st.binary(max_size=8), step=st.integers(1, 16))
def test_a_spliced_file_is_bytes_replace_of_the_whole(text, after, step):
    data, before = text
    count = data.count(before)
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "old").write_bytes(data)
        old_step = Spliced.STEP
        Spliced.STEP = step   # tiny windows: pieces fall across their edges
        try:
            for wrong in {count - 1, count + 1} - {0, -1}:
                with pytest.raises(ValueError):
                    Spliced.find(folder / "old", before, after, wrong)
            if count == 0:
                return
            spliced = Spliced.find(folder / "old", before, after, count)
        finally:
            Spliced.STEP = old_step
        assert written(spliced, folder) == data.replace(before, after)
        assert (folder / "old").read_bytes() == data


def big_file(path: Path) -> bytes:
    # Several windows long, the piece near the middle and again near the end.
    data = b"".join(b'{"id": %d, "text": "row %d"},\n' % (i, i) for i in range(120_000))
    data = data.replace(b'"row 60000"', b'"the piece"').replace(b'"row 119999"', b'"the piece"')
    path.write_bytes(data)
    return data


def test_a_large_file_spliced_is_copied_by_the_system_or_by_a_buffer_alike(tmp_path, monkeypatch):
    data = big_file(tmp_path / "old")
    assert len(data) > 3 * Spliced.STEP
    expected = data.replace(b'"the piece"', b'"the new, longer piece"')
    copied: list[int] = []
    if hasattr(os, "copy_file_range"):
        real = os.copy_file_range

        def counted(*args, **kwargs):
            copied.append(real(*args, **kwargs))
            return copied[-1]

        monkeypatch.setattr(os, "copy_file_range", counted)
    by_system = written(Spliced.find(tmp_path / "old", b'"the piece"', b'"the new, longer piece"', 2), tmp_path)
    assert by_system == expected
    # Where the system has the call, it did the copying (not the buffer).
    assert sum(copied) == (len(data) - 2 * len(b'"the piece"') if hasattr(os, "copy_file_range") else 0)
    monkeypatch.undo()

    calls = []

    def refused(*args, **kwargs):
        calls.append(args)
        raise OSError(errno.EXDEV, "not between these files")

    monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    by_buffer = written(Spliced.find(tmp_path / "old", b'"the piece"', b'"the new, longer piece"', 2), tmp_path)
    assert calls and by_buffer == expected


def test_a_piece_found_another_number_of_times_is_refused(tmp_path):
    big_file(tmp_path / "old")
    with pytest.raises(ValueError):
        Spliced.find(tmp_path / "old", b'"the piece"', b"x", 1)
    with pytest.raises(ValueError):
        Spliced.find(tmp_path / "old", b'"not there"', b"x", 1)


def test_a_file_changed_in_place_after_the_search_is_not_copied(tmp_path):
    data = big_file(tmp_path / "old")
    spliced = Spliced.find(tmp_path / "old", b'"the piece"', b'"new"', 2)
    with open(tmp_path / "old", "r+b") as f:   # the same inode, the same size
        f.seek(10)
        f.write(b"#")
    st_ = os.stat(tmp_path / "old")
    os.utime(tmp_path / "old", ns=(st_.st_atime_ns, st_.st_mtime_ns + 5_000_000_000))
    with pytest.raises(OSError, match="changed while it was copied"):
        written(spliced, tmp_path)
    assert len(data) == os.path.getsize(tmp_path / "old")


def test_a_file_spliced_into_a_replica_is_written_as_a_new_file_never_through_the_link(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    spare = tmp_path / ".site.spare"
    data = big_file(site / "timeline.json")
    (site / "index.html").write_text("home\n", encoding="utf-8")
    replace_files(site, {"index.html": b"home\n"}, spare)   # leaves the old site as the spare
    for round_ in range(2):
        # The replica links the site's timeline.json into the spare: the
        # new file must replace that link, not write into the site's file.
        spliced = Spliced.find(site / "timeline.json", b'"the piece"', b'"new %d"' % round_, 2)
        try:
            replace_files(site, {"timeline.json": spliced}, spare, replica=Replica(site, spare, None))
        finally:
            spliced.close()
        assert (site / "timeline.json").read_bytes() == data.replace(b'"the piece"', b'"new %d"' % round_)
        # The tree swapped out still holds the old file, whole.
        assert (spare / "timeline.json").read_bytes() == data
        assert (site / "index.html").read_text(encoding="utf-8") == "home\n"
        data = (site / "timeline.json").read_bytes().replace(b'"new %d"' % round_, b'"the piece"')
        (site / "timeline.json").write_bytes(data)


def test_a_spliced_file_changed_or_cut_short_is_neither_read_nor_copied(tmp_path):
    data = big_file(tmp_path / "old")
    spliced = Spliced.find(tmp_path / "old", b'"the piece"', b'"new"', 2)
    with open(tmp_path / "old", "r+b") as f:
        f.truncate(len(data) // 2)
    with pytest.raises(OSError):
        spliced.data()
    with pytest.raises(OSError):
        written(spliced, tmp_path)


def test_the_quick_rebuild_splices_the_large_files_and_leaves_a_spare_after_a_no_op(tmp_path, monkeypatch):
    """As build.py runs it (a Project per run, with a cache folder), in
    this process, to watch it."""
    from test_cache import make_large
    from test_quick import assert_as_from_scratch, append, gen_entry
    from timeline.model.assemble import Folders
    from timeline.project import Options, Project
    from timeline.speedups import FastEngine

    project = make_large(tmp_path / "project", count=60)
    site, cache = tmp_path / "site", tmp_path / "cache"
    opts = Options(Folders(project / "content", project / "seeds", "content", "seeds"), site)

    def run():
        result = Project(opts, FastEngine(cache, 2)).build()
        assert result.ok, [str(p) for p in result.problems]
        return result

    assert not run().quick
    spare = tmp_path / ".site.spare"
    assert not spare.exists()
    # A no-op keeps the tree it began as the spare; the site is left as it was.
    before = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    assert run().quick
    assert spare.is_dir()
    assert {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()} == before
    # An edit: its pieces of the large files are spliced into them.
    found: list[str] = []
    real_find = Spliced.find.__func__   # type: ignore[attr-defined]

    def find(cls, path, *args):
        found.append(Path(path).name)
        return real_find(cls, path, *args)

    monkeypatch.setattr(Spliced, "find", classmethod(find))
    append(gen_entry(project, 30), "\nA sentence for the large files.\n")
    result = run()
    assert result.quick
    assert {"timelinejs.json", "timelinejs.js", "entries.csv"} <= set(found)
    assert set(found) <= {Path(p).name for p in result.written}
    assert_as_from_scratch(project, site, tmp_path)


def test_the_preview_writes_a_one_piece_change_around_it_and_joins_the_file_when_it_cannot(tmp_path, monkeypatch):
    """The live preview (a lasting project) replaces an edited entry's
    piece of timelinejs.json in the file on disk; where the file on disk
    is not what it last wrote (here: shorter), it joins the file whole.
    Either way the site is the fresh build's."""
    from test_every_edit import fresh, options
    from test_cache import make_large, replace_in
    from timeline.project import BUNDLED_TEMPLATES, Project
    from timeline.speedups import FastEngine

    project = make_large(tmp_path / "project", count=40)
    shutil.copytree(BUNDLED_TEMPLATES, project / "templates")
    site = tmp_path / "site"
    kept = Project(options(project, site), FastEngine(tmp_path / "cache", 2), keep_spare=True, lasting=True)
    assert kept.build().ok
    spliced: list[str] = []
    real_at = Spliced.at.__func__   # type: ignore[attr-defined]

    def at(cls, path, *args):
        made = real_at(cls, path, *args)
        if made is not None:
            spliced.append(Path(path).name)
        return made

    monkeypatch.setattr(Spliced, "at", classmethod(at))
    entry = next((project / "content" / "gen").rglob("*-gen-007.md"))
    for round_, damage in enumerate([False, True, False]):
        kept.engine.prepare(kept)
        spliced.clear()
        if damage:
            # A file of one piece per entry cut short by hand since the last build.
            data = (site / "timelinejs.json").read_bytes()
            (site / "timelinejs.json").write_bytes(data[:-1])
        with open(entry, "a", encoding="utf-8") as f:
            f.write(f"\nRound {round_}: a sentence the embed shows.\n")
        result = kept.rebuild([entry], complete=True)
        assert result.ok and result.quick
        assert "timelinejs.json" in result.written
        assert ("timelinejs.json" in spliced) != damage, spliced
        assert {"timelinejs.js", "entries.csv"} <= set(spliced)
        assert snapshot(site) == fresh(project, tmp_path / "fresh"), round_

