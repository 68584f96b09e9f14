"""Bad input: each case is a copy of tests/fixtures/basic with one thing
broken. Each must make build.py exit 1 and print `PATH:LINE: error: ...`
with PATH as given on the command line (here a relative path from the
repository root to the copy) and the right LINE, without a traceback, and
leave a previously built site in --out exactly as it was.

The builds of all cases run up front, a few at a time (module fixture
`outcomes`), as each one is a separate Python process.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import yaml

from helpers import BASIC, REPO, build, built_basic, copy_fixture, problems, rel, run_build, snapshot, tree


def entry(text: str) -> Callable[[Path], None]:
    """Write content/bad.md."""
    def apply(project: Path) -> None:
        (project / "content" / "bad.md").write_text(text, encoding="utf-8")
    return apply


def write(path: str, data: str | bytes) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return apply


# seeds/sources.yaml of the fixture has S lines; a source appended starts at line S + 1
S = SOURCES_LINES = (BASIC / "seeds" / "sources.yaml").read_text(encoding="utf-8").count("\n")


def add_source(fields: str) -> Callable[[Path], None]:
    """Append source `extra` to seeds/sources.yaml (line S + 1); its first field is on line S + 2."""
    def apply(project: Path) -> None:
        path = project / "seeds" / "sources.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "extra:\n" + fields, encoding="utf-8")
    return apply


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        target = project / path
        text = target.read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, new), encoding="utf-8")
    return apply


def seed_link(project: Path) -> None:
    os.symlink("../content/_index.md", project / "seeds" / "link.txt")
    add_source("  file: link.txt\n  publisher: P\n  title: T\n  published: 2021-01-01\n")(project)


def duplicate_slug(project: Path) -> None:
    (project / "content" / "dup").mkdir()
    shutil.copy(project / "content" / "2021-month.md", project / "content" / "dup" / "2021-month.md")


GOOD = "  file: gazette.txt\n  publisher: P\n  title: T\n  published: 2021-01-01\n"


@dataclass
class Case:
    id: str
    apply: Callable[[Path], None]
    file: str                       # inside the project
    lines: set[int]                 # acceptable lines (one, unless the contract leaves it open)
    says: tuple[str, ...] = ()      # words the message must hold
    other_files: tuple[str, ...] = field(default_factory=tuple)  # PATH may be one of these instead


CASES = [
    # YAML reports the problem where the flow sequence should have ended: file line 5
    Case("yaml-syntax", entry("---\ntitle: ok\ndate: 2021-03-01\nsources: [gazette\nplace: x\n---\n"), "content/bad.md", {5}),
    Case("yaml-syntax-indent", entry("---\ntitle: ok\ndate: 2021-03-01\n  place: x\nsources: [gazette]\n---\n"), "content/bad.md", {4}),
    # a missing key: the front matter's start (the '---' line or the first key)
    Case("missing-title", entry("---\ndate: 2021-03-01\nsources: [gazette]\n---\n"), "content/bad.md", {1, 2}, ("title",)),
    Case("missing-date", entry("---\ntitle: t\nsources: [gazette]\n---\n"), "content/bad.md", {1, 2}, ("date",)),
    Case("ambiguous-date", entry("---\ntitle: t\ndate: 01/02/2022\nsources: [gazette]\n---\n"), "content/bad.md", {3}, ("01/02/2022",)),
    Case("impossible-date", entry("---\ntitle: t\ndate: 2021-02-30\nsources: [gazette]\n---\n"), "content/bad.md", {3}),
    Case("dst-gap", entry("---\ntitle: t\ndate: 2021-03-28T02:30\nsources: [gazette]\n---\n"), "content/bad.md", {3}, ("02:30",)),
    Case("end-before-date", entry("---\ntitle: t\ndate: 2021-03-05\nend: 2021-03-04\nsources: [gazette]\n---\n"), "content/bad.md", {4}, ("end",)),
    Case("unknown-key", entry("---\ntitel: t\ndate: 2021-03-05\nsources: [gazette]\n---\n"), "content/bad.md", {2}, ("titel", '"title"')),
    Case("unknown-key-in-quote", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nquotes:\n  - text: a disgrace\n    by: X\n    source: radio\n    speaker: Y\n---\n"), "content/bad.md", {9}, ("speaker",)),
    Case("unknown-source", entry("---\ntitle: t\ndate: 2021-03-05\nsources:\n  - gazette\n  - nosuch\n---\n"), "content/bad.md", {6}, ("nosuch",)),
    # the quote's line: its text (line 7) or the list item it starts (line 6)
    Case("quote-not-verbatim", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nquotes:\n  - by: X\n    text: not in the source at all\n    source: radio\n---\n"), "content/bad.md", {6, 7}),
    Case("passage-not-verbatim", entry("---\ntitle: t\ndate: 2021-03-05\nsources:\n  - gazette\n  - id: radio\n    passage: He said 4,000 people used the bridge daily.\n---\n"), "content/bad.md", {6, 7}),
    Case("figure-passage-not-verbatim", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nfigures:\n  - what: crossings\n    value: 3500\n    source: radio\n    passage: He said 3,600 people used the bridge daily.\n---\n"), "content/bad.md", {6, 9}),
    Case("figure-value-not-a-number", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [gazette]\nfigures:\n  - what: x\n    value: lots\n    source: gazette\n---\n"), "content/bad.md", {7}, ("value",)),
    Case("quote-cites-furniture", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [gazette]\nquotes:\n  - text: Subscribe to our newsletter\n    by: X\n    source: gazette\n---\n"), "content/bad.md", {6}),
    Case("link-to-missing-entry", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [gazette]\n---\nfirst paragraph\n\nsee [this](2021-03-30-nothere.md)\n"), "content/bad.md", {8}, ("2021-03-30-nothere.md",)),
    # the link is on the second line of its paragraph
    Case("link-to-missing-entry-mid-paragraph", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [gazette]\n---\nThe first line of a paragraph,\nthe second with [a link](gone.md).\n"), "content/bad.md", {7}, ("gone.md",)),
    # the draft is left out of this build (no --drafts): a link to it would be broken
    Case("link-to-left-out-draft", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [gazette]\n---\nsee [the draft](2021-draft.md)\n"), "content/bad.md", {6}),
    Case("missing-front-matter", entry("title: t\ndate: 2021-03-05\nsources: [gazette]\n"), "content/bad.md", {1}),
    Case("empty-sources", entry("---\ntitle: t\ndate: 2021-03-05\nsources: []\n---\n"), "content/bad.md", {4}, ("sources",)),
    Case("duplicate-yaml-key", entry("---\ntitle: t\ndate: 2021-03-05\ntitle: u\nsources: [gazette]\n---\n"), "content/bad.md", {4}, ("title",)),
    Case("not-utf8", write("content/bad.md", b"---\ntitle: t\ndate: 2021-03-05\nplace: \xff\xfe\nsources: [gazette]\n---\n"), "content/bad.md", {4}),
    Case("bom-crlf-line-numbers", write("content/bad.md", "\ufeff---\r\ntitle: t\r\nplace: x\r\ndate: 2021-02-30\r\nsources: [gazette]\r\n---\r\n".encode()), "content/bad.md", {4}),
    # a list written without brackets: shown how to write it, never one tag "council, vote"
    Case("list-without-brackets", entry("---\ntitle: t\ndate: 2021-03-05\ntags: council, vote\nsources: [gazette]\n---\n"), "content/bad.md", {4}, ("tags: [council, vote]",)),
    Case("name-without-brackets", entry("---\ntitle: t\ndate: 2021-03-05\npeople: Ana Ruiz\nsources: [gazette]\n---\n"), "content/bad.md", {4}, ("people: [Ana Ruiz]",)),
    Case("yaml-tab-indent", entry("---\ntitle: t\ndate: 2021-03-05\nsources:\n\t- gazette\n---\n"), "content/bad.md", {5}, ("tab", "spaces")),
    Case("yaml-colon-in-value", entry("---\ntitle: Mayor: no comment\ndate: 2021-03-05\nsources: [gazette]\n---\n"), "content/bad.md", {2}, ("quotes", 'title: "Mayor: no comment"')),
    # an unknown source at the line of the key that names it, the closest id suggested
    Case("unknown-source-of-quote", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nquotes:\n  - text: a disgrace\n    by: X\n    source: radi0\n---\n"), "content/bad.md", {8}, ('"radi0"', 'did you mean "radio"')),
    Case("unknown-citation-id", entry("---\ntitle: t\ndate: 2021-03-05\nsources:\n  - passage: He said 3,500 people used the bridge daily.\n    id: radoi\n---\n"), "content/bad.md", {6}, ('did you mean "radio"',)),
    Case("unknown-source-of-figure", entry("---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nfigures:\n  - what: crossings\n    value: 3500\n    passage: He said 3,500 people used the bridge daily.\n    source: gazete\n---\n"), "content/bad.md", {9}, ('did you mean "gazette"',)),
    Case("white-space-in-file-name", write("content/bad name.md", b"---\ntitle: t\ndate: 2021-03-05\nsources: [gazette]\n---\n"), "content/bad name.md", {1}, ("white space", '"bad-name.md"')),
    Case("duplicate-slug", duplicate_slug, "content/dup/2021-month.md", {1}, ("2021-month",), ("content/2021-month.md",)),
    Case("source-file-missing", add_source("  file: nope.txt\n  publisher: P\n  title: T\n  published: 2021-01-01\n"), "seeds/sources.yaml", {S + 2}, ("nope.txt",)),
    Case("source-file-leaves-seeds", add_source("  file: ../content/_index.md\n  publisher: P\n  title: T\n  published: 2021-01-01\n"), "seeds/sources.yaml", {S + 2}),
    Case("source-file-dotdot-inside", add_source("  file: texts/../../content/_index.md\n  publisher: P\n  title: T\n  published: 2021-01-01\n"), "seeds/sources.yaml", {S + 2}),
    Case("source-file-link-leaves-seeds", seed_link, "seeds/sources.yaml", {S + 2}),
    Case("source-unknown-key", add_source("  file: gazette.txt\n  publsher: P\n  title: T\n  published: 2021-01-01\n"), "seeds/sources.yaml", {S + 3}, ("publsher", '"publisher"')),
    Case("source-bad-url", add_source(GOOD + "  url: ftp://example.org/x\n"), "seeds/sources.yaml", {S + 6}, ("url",)),
    Case("source-bad-published", add_source("  file: gazette.txt\n  publisher: P\n  title: T\n  published: 01/02/2021\n"), "seeds/sources.yaml", {S + 5}, ("published",)),
    Case("source-bad-furniture-range", add_source(GOOD + "  furniture: [5-2]\n"), "seeds/sources.yaml", {S + 6}, ("furniture",)),
    # gazette.txt has 11 lines (the last ends with a line end): there is no line 12
    Case("source-furniture-beyond-the-file", replace("seeds/sources.yaml", "furniture: [1-2, 11]", "furniture: [1-2, 12]"), "seeds/sources.yaml", {11}, ("furniture",)),
    Case("source-bad-id", write("seeds/sources.yaml", (BASIC / "seeds" / "sources.yaml").read_text(encoding="utf-8") + "Bad_ID:\n" + GOOD), "seeds/sources.yaml", {S + 1}, ("Bad_ID",)),
    Case("seed-not-utf8", write("seeds/gazette.txt", b"The town council voted\n\xff\n"), "seeds/gazette.txt", {2}),
    Case("bad-timezone", write("content/_index.md", "---\ntitle: The bridge affair\ntimezone: Europe/Berlinn\n---\nIntro.\n"), "content/_index.md", {3}, ("Europe/Berlinn",)),
    Case("bad-base-url", write("content/_index.md", "---\ntitle: The bridge affair\nbase_url: ftp://example.org/\n---\nIntro.\n"), "content/_index.md", {3}, ("base_url",)),
    Case("settings-unknown-key", write("content/_index.md", "---\ntitle: The bridge affair\ntimezon: UTC\n---\nIntro.\n"), "content/_index.md", {3}, ('"timezone"',)),
]

CHECKED_TOO = {"yaml-syntax", "dst-gap", "unknown-key", "quote-not-verbatim", "duplicate-slug",
               "source-file-leaves-seeds", "bad-timezone", "link-to-missing-entry"}


@dataclass
class Outcome:
    project: Path
    out: Path
    before: dict[str, bytes]
    before_tree: set[str]
    before_mtimes: dict[str, float]
    result: object = None
    check: object = None


def _mtimes(folder: Path) -> dict[str, float]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    good = built_basic(tmp_path_factory)
    prepared: dict[str, Outcome] = {}
    for case in CASES:
        base = tmp_path_factory.mktemp(case.id)
        project = copy_fixture(base / "project")
        case.apply(project)
        out = base / "site"
        shutil.copytree(good, out)           # copy2: times kept
        prepared[case.id] = Outcome(project, out, snapshot(out), tree(out), _mtimes(out))

    def run(case: Case):
        o = prepared[case.id]
        o.result = build(rel(o.project), o.out)
        if case.id in CHECKED_TOO:
            o.check = build(rel(o.project), o.out, command="check")

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        list(pool.map(run, CASES))
    return prepared


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported_at_its_line(outcomes, case):
    o = outcomes[case.id]
    result = o.result
    stderr = result.stderr
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 1, f"exit {result.returncode}, expected 1\n{stderr}"
    paths = {os.path.join(rel(o.project), f) for f in (case.file, *case.other_files)}
    errors = [p for p in problems(stderr) if p[2] == "error"]
    at = [p for p in errors if p[0] in paths]
    assert at, f"no error for {sorted(paths)}:\n{stderr}"
    assert any(p[1] in case.lines for p in at), f"expected line {sorted(case.lines)}, got {[(p[0], p[1]) for p in at]}\n{stderr}"
    right = [p for p in at if p[1] in case.lines]
    for word in case.says:
        assert any(word in p[3] for p in right), f"the message should mention {word}: {right}"
    # every line of stderr is a problem line or a summary, never a Python error
    for line in stderr.splitlines():
        assert not line.startswith(("  File ", "Traceback")), stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_failed_build_leaves_the_previous_site_untouched(outcomes, case):
    o = outcomes[case.id]
    assert o.result.returncode == 1, "the bad input did not fail the build, so the site was rebuilt"
    assert tree(o.out) == o.before_tree, "files were added to or removed from the site"
    assert snapshot(o.out) == o.before, "the previous site changed"
    assert _mtimes(o.out) == o.before_mtimes, "files of the previous site were rewritten"
    assert sorted(p.name for p in o.out.parent.iterdir()) == ["project", "site"], "something was left next to the site"


@pytest.mark.parametrize("case", [c for c in CASES if c.id in CHECKED_TOO], ids=sorted(CHECKED_TOO, key=[c.id for c in CASES].index))
def test_check_exits_1_on_the_same_input(outcomes, case):
    o = outcomes[case.id]
    assert o.check.returncode == 1, o.check.stderr
    assert "Traceback" not in o.check.stderr
    build_errors = [p[:2] for p in problems(o.result.stderr) if p[2] == "error"]
    check_errors = [p[:2] for p in problems(o.check.stderr) if p[2] == "error"]
    assert check_errors == build_errors


def test_yaml_syntax_error_line_is_the_line_yaml_reports():
    """The YAML-syntax case above expects line 5: what PyYAML reports for the
    front matter (which starts on the file's line 2)."""
    front = "title: ok\ndate: 2021-03-01\nsources: [gazette\nplace: x\n"
    with pytest.raises(yaml.MarkedYAMLError) as info:
        yaml.compose(front, Loader=yaml.BaseLoader)
    assert info.value.problem_mark.line + 2 == 5


def test_every_error_in_every_file_is_reported_in_one_run(tmp_path):
    project = copy_fixture(tmp_path / "project")
    content = project / "content"
    (content / "a.md").write_text("---\ntitle: a\ndate: 2021-13-01\nsources: [gazette]\n---\n", encoding="utf-8")
    (content / "sub").mkdir()
    (content / "sub" / "b.md").write_text(
        "---\ntitle: b\ndate: 2021-03-05\nplase: x\nsources: [radio]\nquotes:\n  - text: never said\n    by: X\n    source: radio\n---\n"
        "[gone](../gone.md)\n", encoding="utf-8")
    (content / "c.md").write_text("no front matter\n", encoding="utf-8")
    sources = project / "seeds" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "extra:\n" + GOOD + "  url: ftp://x\n", encoding="utf-8")
    index = content / "_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("timezone: Europe/Berlin", "timezone: Mars/Olympus"), encoding="utf-8")
    result = build(rel(project), tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = {(p[0], p[1]) for p in problems(result.stderr) if p[2] == "error"}
    shown = rel(project)
    expected = {
        (os.path.join(shown, "content", "a.md"), 3),
        (os.path.join(shown, "content", "sub", "b.md"), 4),
        (os.path.join(shown, "content", "sub", "b.md"), 7),
        (os.path.join(shown, "content", "sub", "b.md"), 11),
        (os.path.join(shown, "content", "c.md"), 1),
        (os.path.join(shown, "seeds", "sources.yaml"), S + 6),
        (os.path.join(shown, "content", "_index.md"), 4),
    }
    assert expected <= found, f"missing: {sorted(expected - found)}\n{result.stderr}"
    assert not (tmp_path / "out").exists()


def test_paths_are_shown_as_given(tmp_path):
    """Default folders from the project folder: content/bad.md; an absolute
    --content: the absolute path."""
    project = copy_fixture(tmp_path / "project")
    (project / "content" / "bad.md").write_text("---\ntitle: t\ndate: 01/02/2022\nsources: [gazette]\n---\n", encoding="utf-8")
    local = run_build(cwd=project)
    assert local.returncode == 1
    assert ("content/bad.md", 3, "error") in [p[:3] for p in problems(local.stderr)], local.stderr
    assert not (project / "site").exists()
    absolute = run_build("check", "--content", str(project / "content"), "--seeds", str(project / "seeds"))
    assert absolute.returncode == 1
    assert (str(project / "content" / "bad.md"), 3, "error") in [p[:3] for p in problems(absolute.stderr)], absolute.stderr
    dotted = run_build("check", "--content", "./" + rel(project / "content"), "--seeds", rel(project / "seeds"))
    assert dotted.returncode == 1
    assert (os.path.join("./" + rel(project / "content"), "bad.md"), 3, "error") in [p[:3] for p in problems(dotted.stderr)], dotted.stderr


def test_two_citations_whose_mark_ids_collide_fail_the_build(tmp_path):
    # Mark ids are eight hex digits of a hash: two different passages of one
    # source can get the same id. Merging them would link one citation to a
    # passage it does not cite, so the build refuses (found by search here).
    from timeline.check.verify import mark_id

    seen: dict[str, str] = {}
    n = 0
    while True:
        text = f"Passage {n} of the record."
        first = seen.setdefault(mark_id("p", "collide", text), text)
        if first != text:
            second = text
            break
        n += 1
    project = copy_fixture(tmp_path / "project")
    (project / "seeds" / "texts" / "collide.txt").write_text(f"{first}\n\n{second}\n", encoding="utf-8")
    with open(project / "seeds" / "sources.yaml", "a", encoding="utf-8") as f:
        f.write("collide:\n  file: texts/collide.txt\n  publisher: P\n  title: T\n  published: 2021-01-01\n")
    for name, passage in (("2021-05-01-a", first), ("2021-05-02-b", second)):
        (project / "content" / f"{name}.md").write_text(
            f"---\ntitle: {name}\ndate: 2021-05-01\nsources:\n  - id: collide\n    passage: {passage}\n---\nBody.\n",
            encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [p for p in problems(result.stderr) if p[2] == "error"]
    assert len(errors) == 1, result.stderr
    path, line, _, message = errors[0]
    assert path.endswith("2021-05-02-b.md") and line == 6, result.stderr   # its passage
    assert "2021-05-01-a.md:6" in message and mark_id("p", "collide", first) in message
    assert not (tmp_path / "site").exists()


def test_check_finds_a_template_error_that_only_some_data_sets_off(tmp_path):
    # `check` renders every page (writing none): an error in the page of one
    # entry alone is found, as the build would find it.
    project = copy_fixture(tmp_path / "project")
    templates = tmp_path / "templates"
    templates.mkdir()
    bundled = (REPO / "templates" / "entry.html").read_text(encoding="utf-8")
    (templates / "entry.html").write_text(
        bundled.replace("<article", '{% if entry.slug == "2021-month" %}{{ entry.no_such_field.x }}{% endif %}<article', 1),
        encoding="utf-8")
    checked = build(rel(project), tmp_path / "site", "--templates", rel(templates), command="check")
    assert checked.returncode == 1, checked.stderr
    errors = [p for p in problems(checked.stderr) if p[2] == "error"]
    line = bundled[: bundled.index("<article")].count("\n") + 1
    assert [p[:2] for p in errors] == [(os.path.join(rel(templates), "entry.html"), line)]
    assert not (tmp_path / "site").exists()


def test_a_broken_source_is_reported_once_first_and_its_citations_point_to_it(tmp_path):
    project = copy_fixture(tmp_path / "project")
    sources = project / "seeds" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert "  publisher: Radio Nord\n" in text
    sources.write_text(text.replace("  publisher: Radio Nord\n", "  publsher: Radio Nord\n"), encoding="utf-8")
    line = text[: text.index("  publisher: Radio Nord")].count("\n") + 1
    result = build(rel(project), tmp_path / "site")
    assert result.returncode == 1
    found = [p for p in problems(result.stderr) if p[2] == "error"]
    shown = os.path.join(rel(project), "seeds", "sources.yaml")
    # the source's own errors (its id's line: "publisher" missing; the next: the unknown key) come first
    assert found[0][0] == shown and found[0][1] in (line - 1, line)
    assert any("publsher" in p[3] and p[1] == line for p in found if p[0] == shown)
    citing = [p for p in found if p[0].endswith(".md")]
    assert citing and all(p[3] == f'source "radio" has errors: see {shown}:{found[0][1]}' for p in citing)
    assert found.index(citing[0]) > max(i for i, p in enumerate(found) if p[0] == shown)
    assert not any("not in sources.yaml" in p[3] for p in found)


def test_a_missing_sources_yaml_is_one_error(tmp_path):
    project = copy_fixture(tmp_path / "project")
    (project / "seeds" / "sources.yaml").unlink()
    result = build(rel(project), tmp_path / "site")
    assert result.returncode == 1
    found = [p for p in problems(result.stderr) if p[2] == "error"]
    assert len(found) == 1 and found[0][0].endswith("sources.yaml"), found


def test_the_summary_says_what_was_left_out(tmp_path):
    project = copy_fixture(tmp_path / "project")
    result = build(rel(project), tmp_path / "site", "--no-cache")
    assert result.returncode == 0
    assert result.stderr.splitlines()[-1].startswith(f"built {tmp_path / 'site'}: 9 entries (1 draft left out), ")
    checked = build(rel(project), tmp_path / "site", command="check")
    assert checked.stderr.splitlines()[-1] == "ok: 9 entries (1 draft left out), 3 sources checked"


def test_a_misquote_is_shown_beside_the_sources_closest_words(tmp_path):
    project = copy_fixture(tmp_path / "project")
    (project / "content" / "bad.md").write_text(
        "---\ntitle: t\ndate: 2021-03-05\nsources: [radio]\nquotes:\n"
        "  - text: He said 3,600 people used the bridge daily.\n    by: X\n    source: radio\n"
        "  - text: a disgrace ... Mayor Jon Berg\n    by: X\n    source: radio\n---\n", encoding="utf-8")
    result = build(rel(project), tmp_path / "site", "--no-cache")
    assert result.returncode == 1
    found = {p[1]: p[3] for p in problems(result.stderr) if p[0].endswith("bad.md")}
    seed = os.path.join(rel(project), "seeds", "texts", "radio.txt")
    assert found[6].endswith(f'nearest to it in the source: "He said 3,500 people used the bridge daily." ({seed}:2), '
                             'parting at "3,600" where the source has "3,500"')
    assert "its piece 2 of 2 is in the source, but before the piece ahead of it" in found[9]
