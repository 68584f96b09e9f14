"""Hardening (issue 21): a build, an import and a capture's files are all or
nothing, even when killed; builds into one folder take turns; hostile
input (amplified YAML, huge files, lying media, links out of the project,
odd file names, escape sequences) is refused with one line.

Everything runs the real command in a subprocess and looks at the folders
it leaves."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, run_build

SYNTH = REPO / "bench" / "synth.py"
KILL = REPO / "bench" / "kill.py"


# ---------------------------------------------------------------- helpers

def digests(site: Path) -> dict[str, str]:
    out = {}
    for parent, dirs, files in os.walk(site):
        for name in files:
            full = Path(parent) / name
            out[full.relative_to(site).as_posix()] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


def beside(project: Path) -> list[str]:
    """What builds leave beside the site when stopped midway."""
    return sorted(name for name in os.listdir(project) if name.startswith((".site.", ".staging-")))


def start(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], cwd=project, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.002)


def staging_made(project: Path) -> bool:
    return any(name.startswith(".site.staging-") for name in os.listdir(project))


def retitle(project: Path, title: str) -> None:
    index = project / "content" / "_index.md"
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", index.read_text(encoding="utf-8"), count=1)
    index.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """An 800-entry timeline, built once: a build that rewrites it takes
    long enough to be stopped midway."""
    root = tmp_path_factory.mktemp("big") / "project"
    subprocess.run([sys.executable, str(SYNTH), "800", str(root)], check=True, capture_output=True)
    result = run_build(cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def project(big: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(big, dest, symlinks=True)
    return dest


# ---------------------------------------------------------------- a build is all or nothing

def stop_midway(project: Path, sig: signal.Signals, title: str) -> tuple[subprocess.Popen, str, dict]:
    """A rebuild stopped by `sig` once it writes the new site; tried again
    with another title when the build won the race and ended first (a
    fast machine can finish between the staging folder and the signal).
    Returns the process, its stderr and the site's digests before it."""
    for attempt in range(8):
        before = digests(project / "site")
        retitle(project, f"{title} ({attempt})")
        # Without the cache every page is written again: the writing lasts
        # long enough to be caught on a busy machine too.
        proc = start(project, "--no-cache")
        wait_for(lambda: staging_made(project))    # the build is writing the new site
        os.killpg(proc.pid, sig)                     # as a terminal's Ctrl-C or a CI's cancel reaches it
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0:
            return proc, err, before
    raise AssertionError("every build ended before the signal reached it")


@pytest.mark.parametrize("sig, status, line", [(signal.SIGINT, 130, "build.py: interrupted\n"),
                                               (signal.SIGTERM, 143, "build.py: terminated\n")])
def test_a_build_stopped_midway_says_one_line_and_leaves_the_old_site(project, sig, status, line):
    proc, err, before = stop_midway(project, sig, "Retitled while building")
    assert proc.returncode == status
    assert err == line
    assert digests(project / "site") == before
    assert beside(project) == []


def test_a_build_killed_midway_leaves_the_old_site_and_the_next_build_clears_up(project):
    proc, _, before = stop_midway(project, signal.SIGKILL, "Retitled, killed")
    assert proc.returncode == -signal.SIGKILL
    assert digests(project / "site") == before
    assert any(name.startswith(".site.staging-") for name in beside(project))
    result = run_build(cwd=project)
    assert result.returncode == 0, result.stderr
    assert beside(project) == []
    assert "Retitled, killed" in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_killed_rebuilds_leave_the_old_site_or_the_new_one_every_time():
    result = subprocess.run([sys.executable, str(KILL), "--entries", "500", "--tries", "6", "--term-every", "3",
                             "--seed", str(random.randrange(1000))], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"tries: 6 \(4 SIGKILL, 2 SIGTERM\); site old: \d+, new: \d+, mixed: 0;", result.stdout)
    assert "after the next build: 0" in result.stdout


def test_killed_quick_rebuilds_leave_the_old_site_or_the_new_one_every_time():
    result = subprocess.run([sys.executable, str(KILL), "--quick", "--entries", "300", "--tries", "6",
                             "--seed", str(random.randrange(1000))], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mixed: 0;" in result.stdout and "after the next build: 0" in result.stdout


def test_a_build_killed_between_its_two_renames_is_undone_before_anything_else(project):
    # Where the system cannot exchange two folders in one step, the old
    # site is moved aside before the new one is moved in: a build killed
    # between the two leaves this.
    site = project / "site"
    before = digests(site)
    inode = (site / "index.html").stat().st_ino
    os.rename(site, project / ".site.old-k1lled")
    half = project / ".site.staging-k1lled"
    (half / "entries").mkdir(parents=True)
    (half / "index.html").write_text("half of a new site", encoding="utf-8")
    result = run_build(cwd=project)
    assert result.returncode == 0, result.stderr
    assert digests(site) == before
    assert (site / "index.html").stat().st_ino == inode   # the old site put back, not made again
    assert beside(project) == []


def test_a_second_build_waits_for_the_one_writing_the_site(project):
    lock = project / ".site.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX)     # another build holds the site
    try:
        before = digests(project / "site")
        retitle(project, "Built after the other")
        proc = start(project)
        line = proc.stderr.readline()
        assert line == "build.py: another build is writing site: waiting for it to finish\n"
        time.sleep(0.5)
        assert proc.poll() is None
        assert digests(project / "site") == before
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Built after the other" in (project / "site" / "index.html").read_text(encoding="utf-8")
    assert beside(project) == []


def test_the_serve_preview_still_serves_after_builds_swap_the_site(project):
    # serve keeps the output folder's name, not the folder: each build's
    # new site is what it serves next.
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0"], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        url = proc.stdout.readline().split()[-1]
        import urllib.request

        import urllib.error

        def home() -> str:
            try:
                with urllib.request.urlopen(url + "index.html", timeout=30) as response:
                    return response.read().decode("utf-8")
            except urllib.error.HTTPError as refused:
                if refused.code == 503:   # its first build is still under way
                    return ""
                raise

        wait_for(lambda: "Synthetic timeline" in home())
        retitle(project, "Seen by the preview")
        wait_for(lambda: "Seen by the preview" in home(), timeout=120)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert beside(project) == []


def test_init_ignores_what_a_stopped_build_leaves(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    result = run_build("init", tmp_path / "p")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "p"
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".site.staging-abc123").mkdir()
    (project / ".site.staging-abc123" / "index.html").write_text("x", encoding="utf-8")
    (project / ".site.lock").write_text("", encoding="utf-8")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project,
                            capture_output=True, text=True, check=True).stdout
    assert ".site." not in status and "content/_index.md" in status


# ---------------------------------------------------------------- import: all or nothing

def sheet(rows: int) -> str:
    lines = ["Year,Month,Day,Headline,Text"]
    for i in range(rows):
        lines.append(f"2031,{1 + i % 12},{1 + i % 28},\"Council meeting number {i}, with a vote\","
                     f"\"<p>The council met for the {i}th time and <b>voted</b> on the budget.</p>\"")
    return "\n".join(lines) + "\n"


def entries_of(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "content").glob("*.md") if p.name != "_index.md")


def temporaries(project: Path) -> list[str]:
    return sorted(p.name for p in project.rglob(".*") if p.is_file() and p.name not in (".gitignore",))


def test_a_killed_import_writes_all_of_the_sheet_or_none_of_it(tmp_path):
    result = run_build("init", tmp_path / "p")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "p"
    (project / "events.csv").write_text(sheet(600), encoding="utf-8")
    started = time.perf_counter()
    whole = run_build("import", "events.csv", cwd=project)
    took = time.perf_counter() - started
    assert whole.returncode == 0, whole.stderr
    assert len(entries_of(project)) == 600
    rng = random.Random()
    for _ in range(5):
        for name in entries_of(project):
            (project / "content" / name).unlink()
        proc = start(project, "import", "events.csv")
        time.sleep(rng.uniform(0.0, took))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        pending = any(p.name.startswith(".timeline-writing-") for p in (project / "content").iterdir())
        assert pending or len(entries_of(project)) in (0, 600)
        # The next run (a build, or another import) finishes what was begun, or removes its pieces.
        result = run_build("build", "--drafts", cwd=project)
        assert result.returncode == 0, result.stderr
        assert len(entries_of(project)) in (0, 600)
        assert temporaries(project / "content") == []


def test_an_import_that_cannot_write_one_file_writes_none(tmp_path):
    from timeline.commands.files import CommandError, Planned, write_planned  # noqa: F401

    content = tmp_path / "content"
    content.mkdir()
    (content / "blocked").write_text("a file where a folder is wanted", encoding="utf-8")
    planned = Planned()
    planned.add(content / "2031-01-01-first.md", "---\ntitle: First\n---\n")
    planned.add(content / "blocked" / "2031-01-02-second.md", "---\ntitle: Second\n---\n")
    with pytest.raises(OSError):
        write_planned(planned, force=False)
    assert sorted(p.name for p in content.iterdir()) == ["blocked"]


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from timeline.commands.files import Planned, write_planned

seeds, kill_at = Path(sys.argv[2]), int(sys.argv[3])
moves = 0

def hook(event, args):
    # The process is killed as it moves its kill_at-th file into place.
    global moves
    if event == "os.rename" and not str(args[1]).endswith(".json"):
        moves += 1
        if moves == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

planned = Planned()
planned.add(seeds / "news.txt", "The words.\\n")
planned.add(seeds / "news.html", b"<p>The words.</p>")
planned.add(seeds / "sources.yaml", "news:\\n  file: news.txt\\n")
sys.addaudithook(hook)
write_planned(planned, force=False)
"""


@pytest.mark.parametrize("kill_at", [1, 2, 3])
def test_a_write_killed_while_moving_its_files_in_is_carried_out_by_the_next_run(tmp_path, kill_at):
    from timeline.commands.files import finish_writing

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(REPO), str(seeds), str(kill_at)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    moved = [name for name in ("news.txt", "news.html", "sources.yaml") if (seeds / name).exists()]
    assert len(moved) == kill_at - 1          # killed with some of the files in place
    finish_writing(seeds)
    assert (seeds / "news.txt").read_text(encoding="utf-8") == "The words.\n"
    assert (seeds / "news.html").read_bytes() == b"<p>The words.</p>"
    assert (seeds / "sources.yaml").read_text(encoding="utf-8") == "news:\n  file: news.txt\n"
    assert sorted(p.name for p in seeds.iterdir()) == ["news.html", "news.txt", "sources.yaml"]


# ---------------------------------------------------------------- bounded input

def limited_build(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The build with its address space bounded at 3 GB: input that
    expands without bound ends as a MemoryError, not as a slow machine."""
    import resource

    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=project, capture_output=True,
                          text=True, timeout=120, preexec_fn=bound, env=full_env)


AMPLIFIED = """---
title: An entry that repeats one long value
date: 2021-03-27
sources: [gazette]
extra:
  long: &a "{long}"
  copies:
{copies}---
Body.
"""

BOTH_READERS = [{}, {"TIMELINE_REFERENCE": "1"}]


@pytest.mark.parametrize("env", BOTH_READERS)
def test_an_alias_repeating_a_long_value_is_refused_at_its_line(tmp_path, env):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    text = AMPLIFIED.format(long="A" * 10_000, copies="    - *a\n" * 99_990)
    assert len(text.encode()) < 1_000_000
    (project / "content" / "amplified.md").write_text(text, encoding="utf-8")
    result = limited_build(project, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    # At the line of the value repeated (the line of each alias is not known once composed).
    assert errors == ["content/amplified.md:6: error: the YAML expands to more than 10,000,000 characters, "
                      "the limit of one document: shorten it (a long text belongs in a file of its own), or "
                      "write out a value an alias repeats"]
    assert not (project / "site").exists()


@pytest.mark.parametrize("env", BOTH_READERS)
def test_sources_yaml_that_repeats_a_long_value_is_refused(tmp_path, env):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    sources = project / "seeds" / "sources.yaml"
    text = sources.read_text(encoding="utf-8") + 'padding: &a "' + "B" * 10_000 + '"\nrepeated: [' + \
        ", ".join(["*a"] * 99_990) + "]\n"
    sources.write_text(text, encoding="utf-8")
    result = limited_build(project, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"^seeds/sources\.yaml:\d+: error: the YAML expands to more than 10,000,000 characters",
                     result.stderr, re.M), result.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize("env", BOTH_READERS)
def test_a_front_matter_of_five_million_keys_is_refused_by_the_entry_size_limit(tmp_path, env):
    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    keys = "".join(f"k{i}: v\n" for i in range(5_000_000))
    (project / "content" / "huge.md").write_text(
        f"---\ntitle: Huge\ndate: 2021-03-27\nsources: [gazette]\nextra:\n{keys}---\n", encoding="utf-8")
    size = (project / "content" / "huge.md").stat().st_size
    started = time.monotonic()
    result = limited_build(project, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [f"content/huge.md:1: error: the file is {size:,} bytes; an entry may be at most "
                      "1,000,000 bytes (1 MB): put a long text in seeds/ as a source and cite it, or split the entry"]
    assert time.monotonic() - started < 60   # refused, not read: reading it took minutes


def test_both_yaml_readers_refuse_a_document_over_the_limit_alike():
    from timeline.errors import ContentError
    from timeline.speedups import fastyaml
    from timeline.read import yamlread

    over = "".join(f"key{i}: a plain value of some length\n" for i in range(300_000))
    assert len(over) > yamlread.MAX_CHARACTERS
    seen = []
    for load in (yamlread.load, fastyaml.load):
        with pytest.raises(ContentError) as caught:
            load(over, "seeds/sources.yaml")
        seen.append(str(caught.value))
    assert seen[0] == seen[1]
    line = over.count("\n", 0, yamlread.MAX_CHARACTERS) + 1
    assert seen[0].startswith(f"seeds/sources.yaml:{line}: error: the YAML holds more than 10,000,000 characters")
    under = over[: over.rindex("\n", 0, yamlread.MAX_CHARACTERS) + 1]
    assert yamlread.load(under, "x") == fastyaml.load(under, "x")


# ---------------------------------------------------------------- files that are not what they say

TRACKS = REPO / "tests" / "fixtures" / "tracks"
GIF_WITH_SCRIPT = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00" \
    b"<script>alert(document.domain)</script>;"


def one_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_a_picture_named_as_a_page_is_refused_at_its_line(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(TRACKS, project)
    (project / "content" / "media" / "innocent.html").write_bytes(GIF_WITH_SCRIPT)
    (project / "content" / "2021-03-11-gif.md").write_text(
        "---\ntitle: A picture\ndate: 2021-03-11\nsources: [news]\nmedia:\n  - file: media/plan.png\n    alt: x\n"
        "  - file: media/innocent.html\n    alt: A picture\n---\n", encoding="utf-8")
    result = run_build("--no-cache", cwd=project)
    assert one_error(result) == ('content/2021-03-11-gif.md:8: error: "media/innocent.html" is a GIF image named '
                                 '".html": name it .gif (a browser goes by the name, and would open it as '
                                 'something else)')
    assert not (project / "site").exists()
    (project / "content" / "media" / "innocent.html").rename(project / "content" / "media" / "innocent.GIF")
    text = (project / "content" / "2021-03-11-gif.md").read_text(encoding="utf-8")
    (project / "content" / "2021-03-11-gif.md").write_text(text.replace("innocent.html", "innocent.GIF"),
                                                           encoding="utf-8")
    result = run_build("--no-cache", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "media" / "media" / "innocent.GIF").read_bytes() == GIF_WITH_SCRIPT


@pytest.mark.parametrize("where", ["static", "templates", "content"])
def test_a_link_out_of_the_project_is_refused_in_each_folder_read(tmp_path, where):
    project = tmp_path / "p"
    shutil.copytree(TRACKS, project)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the machine's own file\n", encoding="utf-8")
    (project / where / "sub").mkdir(parents=True, exist_ok=True)
    os.symlink(secret, project / where / "sub" / "notes.txt")
    result = run_build("--no-cache", cwd=project)
    assert one_error(result) == (f"{where}/sub/notes.txt:1: error: a symbolic link to {secret}, outside the "
                                 f"{where} folder and the project: copy what it points at into the project "
                                 "instead of linking to it")
    assert not (project / "site").exists()
    # A link that stays inside the project is fine.
    (project / where / "sub" / "notes.txt").unlink()
    (project / "notes.txt").write_text("our own notes\n", encoding="utf-8")
    os.symlink(project / "notes.txt", project / where / "sub" / "notes.txt")
    result = run_build("--no-cache", cwd=project)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("env", BOTH_READERS)
def test_static_itself_linked_out_of_the_project_is_refused(tmp_path, env):
    project = tmp_path / "p"
    shutil.copytree(TRACKS, project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    os.symlink(elsewhere, project / "static")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--no-cache"], cwd=project,
                            capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    assert one_error(result).startswith(f"static:1: error: a symbolic link to {elsewhere}, outside the static folder")
    assert not (project / "site").exists()


def test_a_file_name_that_is_not_utf8_is_named_as_the_system_shows_it(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(TRACKS, project)
    entry = next((project / "content").glob("2021-03-10-*.md"))
    odd = os.path.join(os.fsencode(project / "content"), b"2021-03-12-caf\xe9.md")
    shutil.copyfile(entry, odd)
    result = run_build("--no-cache", cwd=project)
    assert one_error(result) == ("content/2021-03-12-caf\\xe9.md:1: error: the file name is not UTF-8 (the bytes "
                                 "shown as \\x..): rename it with letters, digits and hyphens")
    assert not (project / "site").exists()


def test_an_escape_sequence_in_a_key_is_printed_escaped(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(TRACKS, project)
    (project / "content" / "2021-03-12-escape.md").write_text(
        '---\ntitle: Escapes\ndate: 2021-03-12\nsources: [news]\n"\\e]0;owned\\a\\e[2J\\u202etitel": x\n---\n',
        encoding="utf-8")
    result = run_build("--no-cache", cwd=project)
    line = one_error(result)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr
    assert line.startswith('content/2021-03-12-escape.md:5: error: unknown key "\\x1b]0;owned\\x07\\x1b[2J\\u202etitel"')


def test_a_message_about_a_command_escapes_what_it_names(tmp_path):
    name = "ev\x1b[31mil"
    assert run_build("init", name, cwd=tmp_path).returncode == 0
    again = run_build("init", name, cwd=tmp_path)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert again.stderr.startswith("build.py: error: ev\\x1b[31mil already holds content"), again.stderr
    assert "\x1b" not in again.stderr


# ---------------------------------------------------------------- the preview's kept tree

def test_a_project_kept_in_memory_builds_from_the_tree_it_swapped_out_and_repairs_it(tmp_path):
    from helpers import copy_fixture, snapshot
    from timeline.model.assemble import Folders
    from timeline.project import Options, Project
    from timeline.speedups import FastEngine

    project = copy_fixture(tmp_path / "p")
    out = tmp_path / "site"
    folders = Folders(project / "content", project / "seeds", "content", "seeds")
    live = Project(Options(folders, out), FastEngine(tmp_path / "cache", 1), keep_spare=True)
    assert live.build().ok
    entry = project / "content" / "2021-03-27-night.md"

    def fresh() -> dict[str, bytes]:
        other = tmp_path / "fresh"
        shutil.rmtree(other, ignore_errors=True)
        assert Project(Options(folders, other)).build().ok
        return snapshot(other)

    for n, damage in enumerate(["none", "stray file", "file replaced", "folder gone", "spare gone"]):
        entry.write_text(entry.read_text(encoding="utf-8") + f"\nEdit number {n}.\n", encoding="utf-8")
        spare = live.spare()
        if n and damage == "stray file":
            (spare / "entries" / "stray.html").write_text("not of the site", encoding="utf-8")
        elif damage == "file replaced":
            (spare / "index.html").unlink()
            (spare / "index.html").write_text("an old home page", encoding="utf-8")
        elif damage == "folder gone":
            shutil.rmtree(spare / "sources")
        elif damage == "spare gone":
            shutil.rmtree(spare)
        result = live.rebuild([entry], complete=True)
        assert result.ok, result.problems
        assert snapshot(out) == fresh(), damage
        assert spare.is_dir()
        # The kept tree shares every unchanged file with the site.
        same = [p for p in out.rglob("*") if p.is_file()
                and (spare / p.relative_to(out)).exists()
                and (spare / p.relative_to(out)).stat().st_ino == p.stat().st_ino]
        assert len(same) > 20
