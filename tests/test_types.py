"""The type hints are checked: mypy, run with pyproject.toml's [tool.mypy]
configuration on the files it names, finds no error. mypy and the stub
packages it needs are in requirements-dev.txt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import REPO


def mypy(*args: str | Path, cache: Path) -> subprocess.CompletedProcess:
    """mypy as the interpreter running the tests has it, from the repository
    root (so it reads pyproject.toml); its cache kept out of the work tree."""
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), *map(str, args)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


def test_mypy_finds_no_error_in_the_package(tmp_path: Path) -> None:
    result = mypy(cache=tmp_path / "cache")
    assert "No module named mypy" not in result.stderr, \
        "mypy is not installed: pip install -r requirements-dev.txt"
    fix = " (stubs missing: pip install -r requirements-dev.txt)" if "stubs not installed" in result.stdout else ""
    assert result.returncode == 0, f"mypy found errors{fix}:\n{result.stdout}{result.stderr}"
    assert "Success: no issues found" in result.stdout


def test_the_configuration_checks_what_it_says(tmp_path: Path) -> None:
    """The checks of pyproject.toml are on: an error inside a function with
    no hints, an ignore that ignores nothing, a cast to the type a value
    already has and a function left without hints are each reported."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import cast\n"
        "\n"
        "\n"
        "def unannotated(x):\n"
        "    n: int = 'three'\n"
        "    return n\n"
        "\n"
        "\n"
        "def annotated(text: str) -> str:\n"
        "    return cast(str, text)  # type: ignore[arg-type]\n",
        encoding="utf-8")
    result = mypy(probe, cache=tmp_path / "cache")
    found = {line.split("  [")[-1].rstrip("]") for line in result.stdout.splitlines() if ": error: " in line}
    assert found == {"assignment", "unused-ignore", "redundant-cast", "no-untyped-def"}, result.stdout
