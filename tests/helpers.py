"""Shared helpers for the tests that run build.py and read what it wrote.

Everything here works on real output: build.py runs as a subprocess (the
interpreter running the tests, cwd = the repository root), HTML is read with
the standard library's html.parser, XML with xml.etree.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
BASIC = FIXTURES / "basic"

# "PATH:LINE: error: MESSAGE" / "PATH:LINE: warning: MESSAGE"
PROBLEM = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<severity>error|warning): (?P<message>.*)$")


# ---------------------------------------------------------------- running

def run_build(*args: str | os.PathLike, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    """python build.py ARGS, from `cwd` (the repository root by default)."""
    full_env = dict(os.environ)
    full_env.pop("PYTHONHASHSEED", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *map(str, args)],
        cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120,
    )


def build(project: Path | str, out: Path | str, *extra: str, command: str = "build", cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Build (or check) the project folder holding content/ and seeds/.

    A relative `project` stays relative, so messages name it as given."""
    args = [command, "--content", os.path.join(project, "content"), "--seeds", os.path.join(project, "seeds")]
    if command == "build":
        args += ["--out", out]
    return run_build(*args, *extra, cwd=cwd)


def rel(path: Path, start: Path = REPO) -> str:
    """`path` as a relative path from `start` (how a user would type it)."""
    return os.path.relpath(path, start)


def copy_fixture(dest: Path, name: str = "basic") -> Path:
    """A private copy of a fixture project, to modify."""
    shutil.copytree(FIXTURES / name, dest, symlinks=True)
    return dest


def problems(stderr: str) -> list[tuple[str, int, str, str]]:
    """(path, line, severity, message) of every PATH:LINE: problem line."""
    out = []
    for line in stderr.splitlines():
        m = PROBLEM.match(line)
        if m:
            out.append((m["path"], int(m["line"]), m["severity"], m["message"]))
    return out


# ---------------------------------------------------------------- the site

def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (relative path with '/') -> its bytes."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def tree(folder: Path) -> set[str]:
    """Every file and folder under `folder`, relative, with '/'."""
    return {p.relative_to(folder).as_posix() + ("/" if p.is_dir() else "") for p in folder.rglob("*")}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_json(site: Path) -> dict:
    return json.loads((site / "timeline.json").read_text(encoding="utf-8"))


def entry_paths(content: Path) -> dict[str, str]:
    """slug -> path inside content/ of every entry file (drafts included)."""
    out = {}
    for path in sorted(content.rglob("*.md")):
        parts = path.relative_to(content).parts
        if any(p.startswith(("_", ".")) for p in parts):
            continue
        out[path.name[:-3]] = "/".join(parts)
    return out


def site_path(page: str, link: str) -> tuple[str, str]:
    """(site file, fragment) a relative link on `page` points to, percent-decoded.

    The file is '' for a link to a fragment of the same page."""
    parts = urlsplit(link)
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    return target, fragment


# ---------------------------------------------------------------- HTML

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: "Node | None" = None
    children: list = field(default_factory=list)   # Node or str
    line: int = 0

    def text(self) -> str:
        """All text inside, as the parser decoded it."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        """The text with white space runs made one space."""
        return " ".join(self.text().split())

    def flat(self, skip_links: bool = False) -> str:
        """The text with all white space removed; optionally without the
        text of links (a source page puts links back to entries inside
        its paragraphs)."""
        parts = []
        for c in self.children:
            if isinstance(c, str):
                parts.append(c)
            elif not (skip_links and c.tag == "a"):
                parts.append(c.flat(skip_links))
        return "".join("".join(parts).split())

    def holds(self, text: str) -> bool:
        """Whether the text (white space ignored) is in this element, with or
        without the text of the links inside it."""
        wanted = "".join(text.split())
        return wanted in self.flat() or wanted in self.flat(skip_links=True)

    def iter(self):
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if all(node.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                found.append(node)
        return found

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current, line=self.getpos()[0])
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current, line=self.getpos()[0])
        self.current.children.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


@dataclass
class Page:
    """One parsed HTML page of a site."""

    path: str                   # inside the site, with '/'
    root: Node
    source: str

    @property
    def ids(self) -> list[str]:
        return [n.attrs["id"] for n in self.root.iter() if n.attrs.get("id") is not None]

    def by_id(self, id_: str) -> Node | None:
        for node in self.root.iter():
            if node.attrs.get("id") == id_:
                return node
        return None

    def links(self) -> list[tuple[Node, str, str]]:
        """(element, attribute, value) of every href / src / srcset / action."""
        out = []
        for node in self.root.iter():
            for attr in ("href", "src", "action", "poster", "data", "xlink:href"):
                value = node.attrs.get(attr)
                if value is not None:
                    out.append((node, attr, value))
        return out

    def a_hrefs(self) -> list[str]:
        return [n.attrs["href"] for n in self.root.find_all("a") if n.attrs.get("href") is not None]

    def text(self) -> str:
        return self.root.words()

    def main_text(self) -> str:
        main = self.root.find_all("main")
        return (main[0] if main else self.root).words()


def parse_html(text: str, path: str = "") -> Page:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return Page(path, builder.root, text)


def read_page(site: Path, path: str) -> Page:
    return parse_html((site / path).read_text(encoding="utf-8"), path)


def html_pages(site: Path) -> dict[str, Page]:
    return {p: read_page(site, p) for p in sorted(snapshot_names(site)) if p.endswith(".html")}


def snapshot_names(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def smallest_containing(root: Node, *texts: str, need_id: bool = False) -> Node | None:
    """The innermost element whose text (white space collapsed) holds every text."""
    wanted = [" ".join(t.split()) for t in texts]
    best = None
    for node in root.iter():
        if need_id and node.attrs.get("id") is None:
            continue
        words = node.words()
        if all(w in words for w in wanted):
            if best is None or len(words) <= len(best.words()):
                best = node
    return best


def paragraph_node(root: Node, text: str) -> Node | None:
    """The innermost element with an id that shows this text of a source."""
    best = None
    for node in root.iter():
        if node.attrs.get("id") is None or not node.holds(text):
            continue
        if best is None or len(node.flat()) <= len(best.flat()):
            best = node
    return best


# ---------------------------------------------------------------- source texts

def paragraphs(text: str) -> list[str]:
    """The paragraphs of an archived text (CONTRACT section 2), white space collapsed."""
    lines = text.lstrip("\ufeff").splitlines()
    blank = [not line.strip() for line in lines]
    content = [i for i, b in enumerate(blank) if not b]
    if not content:
        return []
    separated = any(blank[content[0]:content[-1]])
    if not separated:
        return [" ".join(lines[i].split()) for i in content]
    paras, current = [], []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paras.append(" ".join(" ".join(current).split()))
            current = []
    if current:
        paras.append(" ".join(" ".join(current).split()))
    return paras


# ---------------------------------------------------------------- one shared build

_BUILT: dict[str, Path] = {}


def built_basic(tmp_path_factory) -> Path:
    """The basic fixture built once per test session (read only!)."""
    if "basic" not in _BUILT:
        out = tmp_path_factory.mktemp("basic-site") / "site"
        result = build(rel(BASIC), out)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        _BUILT["basic"] = out
        _BUILT["basic-stderr"] = result.stderr  # type: ignore[assignment]
    return _BUILT["basic"]


TRACKS = FIXTURES / "tracks"


def built_tracks(tmp_path_factory) -> Path:
    """tests/fixtures/tracks (groups, media, eras, display dates, a draft
    with no source yet) built with --drafts, once per session (read only!)."""
    if "tracks" not in _BUILT:
        out = tmp_path_factory.mktemp("tracks-site") / "site"
        result = build(rel(TRACKS), out, "--drafts")
        assert result.returncode == 0, result.stderr
        _BUILT["tracks"] = out
    return _BUILT["tracks"]


def built_basic_stderr() -> str:
    return _BUILT["basic-stderr"]  # type: ignore[return-value]
