"""The package as a new user gets it (CONTRACT.md section 9): a wheel built
from a copy of this checkout, installed into a fresh virtual environment,
and a timeline made, written, imported, built and served with the installed
`timeline` command in a folder that holds no copy of the generator.

These tests take a while (a wheel is built, environments are made); they
run in CI like the rest. The fresh environments take the dependencies from
the one running the tests (a .pth file naming its site-packages), so that
pip installs the wheel and resolves its requirements without the network;
the wheel itself is built offline when this environment can build one
(setuptools and wheel), else with pip's isolated build, which fetches
setuptools from the package index."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES, REPO, parse_html, snapshot

COMMANDS = ("build", "check", "serve", "init", "new", "import", "capture")
# What a copy of the checkout leaves out: what builds and tests leave behind.
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "site", ".cache", "node_modules", "__pycache__", "build",
                                  "dist", "*.egg-info", ".pytest_cache", ".hypothesis")


def _builds_offline() -> bool:
    """Whether this environment's setuptools can make a wheel by itself."""
    spec = importlib.util.find_spec("setuptools")
    if spec is None:
        return False
    import setuptools
    version = tuple(int(x) for x in re.findall(r"\d+", setuptools.__version__)[:2])
    return version >= (70, 1) or (version >= (61, 0) and importlib.util.find_spec("wheel") is not None)


def _run(args: list, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            encoding="utf-8", stdin=subprocess.DEVNULL, timeout=timeout)
    return result


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory) -> Path:
    """A wheel of this checkout, built from a copy of it (a build writes
    build/ and *.egg-info into the folder it builds)."""
    work = tmp_path_factory.mktemp("wheel")
    copy = work / "checkout"
    shutil.copytree(REPO, copy, ignore=LEFT_OUT, symlinks=True)
    wheels = work / "wheels"
    offline = ["--no-build-isolation", "--no-index"] if _builds_offline() else []
    result = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", *offline, "-w", wheels, copy], cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in wheels.glob("*.whl")] == [f"sourced_timeline-{_version()}-py3-none-any.whl"]
    return wheels


def _version() -> str:
    text = (REPO / "timeline" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def fresh_venv(where: Path) -> tuple[Path, dict]:
    """A new virtual environment that sees this one's packages as its
    dependencies (not the checkout: it is not on this one's path), and the
    environment variables of a shell that activated it."""
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=where).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dependencies-of-the-tests.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{where / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(where)
    return python, env


def pip_install(python: Path, env: dict, cwd: Path, *args) -> None:
    result = _run([python, "-m", "pip", "install", "--no-index", "--disable-pip-version-check", *args],
                  cwd=cwd, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(wheel_dir, tmp_path_factory) -> tuple[Path, dict]:
    """The wheel installed into a fresh environment: (its python, the environment variables)."""
    where = tmp_path_factory.mktemp("venv") / "env"
    python, env = fresh_venv(where)
    pip_install(python, env, where.parent, "--find-links", wheel_dir, "sourced-timeline")
    found = _run([python, "-c", "import timeline; print(timeline.__file__)"], cwd=where.parent, env=env)
    assert Path(found.stdout.strip()).is_relative_to(where), found
    return python, env


def test_help_lists_every_command_on_a_line_and_each_command_its_options(installed, tmp_path):
    python, env = installed
    shown = _run(["timeline", "--help"], cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    listed = re.search(r"^commands:\n((?:  \S.*\n)+)", shown.stdout, re.M)
    assert listed, shown.stdout
    lines = listed.group(1).splitlines()
    assert [line.split()[0] for line in lines] == list(COMMANDS)
    assert all(len(line.split()) > 2 for line in lines)
    assert shown.stdout.startswith("usage: timeline ")
    same = _run([python, "-m", "timeline", "--help"], cwd=tmp_path, env=env)
    assert same.returncode == 0 and listed.group(1) in same.stdout
    options = {"build": "--drafts", "check": "--content", "serve": "--port", "init": "dir", "new": "--date",
               "import": "--dry-run", "capture": "--id"}
    for command, option in options.items():
        own = _run(["timeline", command, "--help"], cwd=tmp_path, env=env)
        assert own.returncode == 0 and own.stdout.startswith(f"usage: timeline {command} "), own
        assert option in own.stdout and "commands:" not in own.stdout, own.stdout


def test_a_new_user_makes_builds_and_serves_a_timeline_with_the_installed_command(installed, wheel_dir, tmp_path):
    python, env = installed
    home = tmp_path / "newsroom"
    home.mkdir()
    made = _run(["timeline", "init", "harbour"], cwd=home, env=env)
    assert made.returncode == 0, made.stderr
    project = home / "harbour"
    again = _run(["timeline", "init", "harbour"], cwd=home, env=env)
    assert again.returncode == 1 and again.stderr.startswith("timeline: error: harbour already holds content")
    # What init says to run next works there, as it says it.
    hint = made.stdout.splitlines()
    assert "cd harbour" in hint, made.stdout
    new_line = next(line for line in hint if line.endswith(' new "What happened"'))
    assert new_line == 'timeline new "What happened"', made.stdout
    written = _run(shlex.split(new_line), cwd=project, env=env)
    assert written.returncode == 0, written.stderr
    entry = project / written.stdout.strip()
    assert entry.parent == project / "content" and entry.is_file()

    sheet = FIXTURES / "timelinejs" / "women_in_computing.csv"
    shutil.copy(sheet, project / "events.csv")
    imported = _run(["timeline", "import", "events.csv"], cwd=project, env=env)
    assert imported.returncode == 0, imported.stderr
    assert len(list((project / "content").glob("*.md"))) > 10

    assert not any((project / name).exists() for name in ("build.py", "timeline", "templates", "static"))
    built = _run(["timeline", "build", "--drafts"], cwd=project, env=env)
    assert built.returncode == 0, built.stderr
    site = project / "site"
    index = parse_html((site / "index.html").read_text(encoding="utf-8"))
    titles = index.main_text()
    assert "What happened" in titles and "Ada Lovelace" in titles
    # The look is the installed package's own.
    package = Path(_run([python, "-c", "import timeline; print(timeline.__file__)"], cwd=project, env=env)
                   .stdout.strip()).parent
    assert (site / "static" / "style.css").read_bytes() == (package / "static" / "style.css").read_bytes()

    serving = subprocess.Popen(["timeline", "serve", "--port", "0", "--drafts"], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    try:
        first = serving.stdout.readline()
        match = re.fullmatch(r"serving (http://127\.0\.0\.1:\d+/)\n", first)
        assert match, (first, serving.stderr.read() if serving.poll() is not None else "")
        # Until its first build is done the preview answers 503 with a
        # page that waits for it, as a browser would.
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(match.group(1) + "index.html", timeout=60) as response:
                    page = response.read().decode("utf-8")
                break
            except urllib.error.HTTPError as refused:
                if refused.code != 503 or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert response.status == 200 and "What happened" in page
    finally:
        serving.send_signal(signal.SIGTERM)
        code = serving.wait(timeout=60)
    assert code == 0

    # The project's own requirements, installed into another fresh
    # environment from the wheel, build it.
    assert (project / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == \
        f"sourced-timeline=={_version()}"
    other, other_env = fresh_venv(tmp_path / "publisher-env")
    pip_install(other, other_env, project, "--find-links", wheel_dir, "-r", "requirements.txt")
    shutil.rmtree(site)
    again = _run(["timeline", "build"], cwd=project, env=other_env)
    assert again.returncode == 0, again.stderr
    assert (site / "index.html").is_file()
    assert shutil.which("timeline", path=other_env["PATH"]).startswith(str(tmp_path / "publisher-env"))


def test_the_workflow_installs_the_requirements_builds_with_the_pages_address_and_deploys(installed, tmp_path):
    _, env = installed
    assert _run(["timeline", "init", "harbour"], cwd=tmp_path, env=env).returncode == 0
    text = (tmp_path / "harbour" / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    flow = yaml.safe_load(text)
    triggers = flow.get("on", flow.get(True))   # YAML 1.1 reads a bare `on` as true
    assert "main" in triggers["push"]["branches"] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    steps = build["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    order = ["actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/upload-pages-artifact"]
    assert [u for u in uses if u in order] == order
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/configure-pages"))
    runs = [step["run"] for step in steps if "run" in step]
    install = next(i for i, run in enumerate(runs) if "pip install -r requirements.txt" in run)
    command = next(i for i, run in enumerate(runs) if re.search(r"(^|\n)\s*timeline build\b", run))
    assert install < command
    words = shlex.split(runs[command].replace("${{ steps.pages.outputs.base_url }}", "PAGES"))
    assert words[words.index("--base-url") + 1].startswith("PAGES") and pages["id"] == "pages"
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    python_version = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert float(python_version["with"]["python-version"]) >= 3.11


def test_pip_install_of_the_checkout_builds_the_example_as_build_py_does(wheel_dir, tmp_path):
    """`pip install .`, then the example timeline built with the installed
    command in a folder of its own: the same site, byte for byte, as
    build.py makes in the checkout with the repository's templates."""
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO, checkout, ignore=LEFT_OUT, symlinks=True)
    python, env = fresh_venv(tmp_path / "env")
    offline = ["--no-build-isolation"] if _builds_offline() else []
    result = _run([python, "-m", "pip", "install", "--disable-pip-version-check", *offline, "."], cwd=checkout,
                  env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    project = tmp_path / "example"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "seeds", project / "seeds")
    installed = _run(["timeline", "build", "--no-cache"], cwd=project, env=env)
    assert installed.returncode == 0, installed.stderr
    ours = _run([sys.executable, REPO / "build.py", "build", "--no-cache", "--content", REPO / "content",
                 "--seeds", REPO / "seeds", "--templates", REPO / "templates", "--static", REPO / "static",
                 "--out", tmp_path / "from-checkout"], cwd=tmp_path)
    assert ours.returncode == 0, ours.stderr
    assert snapshot(project / "site") == snapshot(tmp_path / "from-checkout")


def test_init_names_the_command_that_works_where_it_was_run(tmp_path):
    """Run as build.py from a copy of the repository, init's next steps
    name that build.py, by a path that works from the new project."""
    made = _run([sys.executable, REPO / "build.py", "init", "harbour"], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    new_line = next(line for line in made.stdout.splitlines() if line.endswith(' new "What happened"'))
    assert "build.py" in new_line and not new_line.startswith("timeline")
    words = shlex.split(new_line)
    if words[0] == "python":   # this interpreter is the one on the PATH
        words[0] = sys.executable
    written = _run(words, cwd=tmp_path / "harbour")
    assert written.returncode == 0, written.stderr
    built = _run([*words[: words.index("new")], "build", "--drafts"], cwd=tmp_path / "harbour")
    assert built.returncode == 0 and "1 entries" in built.stderr, built.stderr


def test_the_readmes_new_timeline_runs_as_written_with_the_installed_command(installed, tmp_path):
    """README.md's "Start a new timeline" commands, run one after the other
    in an empty folder (all but the preview server, which does not end)."""
    _, env = installed
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Start a new timeline"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    commands = [line for line in lines if line and not line.startswith("timeline serve")]
    assert commands[0].startswith("timeline init") and any(c.startswith("timeline build") for c in commands)
    script = "set -e\n" + "\n".join(commands) + "\n"
    result = _run(["bash", "-c", script], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 entries" in result.stderr and "Traceback" not in result.stderr


def test_init_run_by_its_path_names_that_path(installed, tmp_path):
    """Not on the PATH (an environment not activated), the command is named
    by a path that works from the new project."""
    python, env = installed
    command = Path(python).parent / "timeline"
    bare = dict(env, PATH=os.defpath)
    bare.pop("VIRTUAL_ENV", None)
    made = _run([command, "init", "harbour"], cwd=tmp_path, env=bare)
    assert made.returncode == 0, made.stderr
    new_line = next(line for line in made.stdout.splitlines() if line.endswith(' new "What happened"'))
    words = shlex.split(new_line)
    assert words[0] != "timeline" and Path(tmp_path / "harbour", words[0]).resolve() == command.resolve()
    written = _run(words, cwd=tmp_path / "harbour", env=bare)
    assert written.returncode == 0, written.stderr
