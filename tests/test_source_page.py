"""A source's captured web page (CONTRACT.md section 2: `page` and
`page_sha256`): every build checks the page's SHA-256 and the source's
page names it; each mistake is an error at its key's line that says what
to do, and nothing is written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from helpers import build, copy_fixture, problems

PAGE = b"<!DOCTYPE html><html><head><title>The bridge</title></head><body><p>Page.</p></body></html>\n"
SHA = hashlib.sha256(PAGE).hexdigest()


def with_page(tmp_path: Path, lines: str) -> Path:
    project = copy_fixture(tmp_path / "project")
    (project / "seeds" / "gazette.html").write_bytes(PAGE)
    yaml = project / "seeds" / "sources.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("  file: gazette.txt\n", "  file: gazette.txt\n" + lines, 1), encoding="utf-8")
    return project


def test_a_captured_page_is_checked_and_named(tmp_path):
    project = with_page(tmp_path, f"  page: gazette.html\n  page_sha256: {SHA}\n")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "site" / "timeline.json").read_text(encoding="utf-8"))
    gazette = next(s for s in data["sources"] if s["id"] == "gazette")
    assert gazette["page"] == "sources/gazette.html", "the site's page, as before"
    assert gazette["page_sha256"] == SHA
    html = (tmp_path / "site" / "sources" / "gazette.html").read_text(encoding="utf-8")
    assert "<code>gazette.html</code>" in html and SHA in html


@pytest.mark.parametrize("lines, line, words", [
    (f"  page: gazette.html\n  page_sha256: {'0' * 64}\n", 4, "does not match"),
    (f"  page: gazette.html\n  page_sha256: {SHA[:40]}\n", 4, "64 lowercase hex digits"),
    (f"  page_sha256: {SHA}\n", 3, 'needs "page"'),
    (f"  page: missing.html\n  page_sha256: {SHA}\n", 3, "does not exist"),
    (f"  page: ../outside.html\n", 3, "inside the seeds folder"),
])
def test_a_wrong_page_is_an_error_at_its_line(tmp_path, lines, line, words):
    project = with_page(tmp_path, lines)
    result = build(project, tmp_path / "site")
    assert result.returncode == 1
    found = [(p, n, m) for p, n, severity, m in problems(result.stderr) if p.endswith("sources.yaml")]
    assert found and found[0][1] == line and words in found[0][2], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_changed_page_names_its_actual_sha256_and_the_fix(tmp_path):
    project = with_page(tmp_path, f"  page: gazette.html\n  page_sha256: {SHA}\n")
    (project / "seeds" / "gazette.html").write_bytes(PAGE.replace(b"Page.", b"Changed."))
    result = build(project, tmp_path / "site")
    assert result.returncode == 1
    actual = hashlib.sha256(PAGE.replace(b"Page.", b"Changed.")).hexdigest()
    assert actual in result.stderr and "capture the page again" in result.stderr
