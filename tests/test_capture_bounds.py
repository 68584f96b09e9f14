"""`build.py capture` against pages and archives that would not end
(issue 21): a server that drips a byte at a time, pages past the size
limit (as sent, and once decompressed), a redirect to ftp://, web archives
cut short or damaged; and a capture stopped at any moment leaves nothing
that its rerun trips on. A real server on 127.0.0.1 (a free port; it stops
with the tests) and real WARC files made with warcio."""

from __future__ import annotations

import gzip
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from test_capture_pages import STORY, news_page, paragraphs_html

REPO = Path(__file__).resolve().parent.parent
PAGE = news_page(paragraphs_html(STORY), '<meta property="article:published_time" content="2025-02-14T09:00:00Z">')
DEFAULT_ID = "the-coast-herald-2025-02-14"
MB = 1024 * 1024


def _bomb(size: int) -> bytes:
    """gzip data that expands to `size` bytes of a page, made without
    holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [packer.compress(b"<html><body><p>")]
    block = b"\0" * MB
    for _ in range(size // MB):
        out.append(packer.compress(block))
    out.append(packer.flush())
    return b"".join(out)


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    bomb = b""

    def log_message(self, *args) -> None:
        pass

    def _head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def do_GET(self) -> None:
        html_type = {"Content-Type": "text/html; charset=utf-8"}
        try:
            if self.path == "/drip":
                # A byte a tenth of a second, for at most a minute: it never
                # lets a socket's per-read time-out expire.
                self._head(200, html_type)
                self.wfile.write(b"<html><body><p>")
                for _ in range(600):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/big":
                self._head(200, html_type)
                self.wfile.write(b"<html><body>" + b"<p>" + b"word " * (2 * MB // 5) + b"</p></body></html>")
            elif self.path == "/big-declared":
                self._head(200, {**html_type, "Content-Length": str(60 * MB)})
                self.wfile.write(b"<html><body><p>")
            elif self.path == "/bomb":
                self._head(200, {**html_type, "Content-Encoding": "gzip", "Content-Length": str(len(self.bomb))})
                self.wfile.write(self.bomb)
            elif self.path == "/gzipped":
                data = gzip.compress(PAGE.encode("utf-8"))
                self._head(200, {**html_type, "Content-Encoding": "gzip", "Content-Length": str(len(data))})
                self.wfile.write(data)
            elif self.path == "/to-ftp":
                self._head(302, {"Location": "ftp://127.0.0.1/story.html"})
            elif self.path == "/to-page":
                self._head(302, {"Location": "/page"})
            elif self.path == "/page":
                data = PAGE.encode("utf-8")
                self._head(200, {**html_type, "Content-Length": str(len(data))})
                self.wfile.write(data)
            else:
                self._head(404, html_type)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the client gave up, as it should


@pytest.fixture(scope="module")
def server():
    handler = type("Hostile", (_Hostile,), {"bomb": _bomb(512 * MB)})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


MEASURED = """import os, resource, runpy, sys
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(sys.argv[0]))
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as done:
    code = done.code
else:
    code = 0
print(f"maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def capture(*args: object, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command, with its peak memory (KB) as the last line of stderr."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run([sys.executable, "-c", MEASURED, str(REPO / "build.py"), "capture", *map(str, args)],
                          cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def error_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if not line.startswith("maxrss ")]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("build.py: error: ") and "Traceback" not in result.stderr
    return lines[0]


def peak_mb(result: subprocess.CompletedProcess) -> float:
    return int(result.stderr.rsplit("maxrss ", 1)[1].split()[0]) / 1024


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_dripping_server_is_stopped_at_the_time_out(server, tmp_path):
    start = time.monotonic()
    result = capture(f"{server}/drip", "--seeds", tmp_path / "seeds", "--timeout", "2", cwd=tmp_path)
    took = time.monotonic() - start
    assert "did not arrive whole within 2 s" in error_line(result)
    assert took < 15, f"the whole fetch is bounded, not each read: {took:.1f} s"
    assert files(tmp_path / "seeds") == []


@pytest.mark.parametrize("route, options, words", [
    ("/big", ["--max-size", "1"], "larger than 1 MB"),
    ("/big-declared", [], "larger than 50 MB"),
    ("/bomb", ["--max-size", "1"], "larger than 1 MB"),
    ("/bomb", [], "larger than 50 MB"),
])
def test_a_page_past_the_size_limit_is_refused_in_bounded_memory(server, tmp_path, route, options, words):
    result = capture(f"{server}{route}", "--seeds", tmp_path / "seeds", *options, cwd=tmp_path)
    line = error_line(result)
    assert words in line and "--max-size" in line
    assert peak_mb(result) < 400, f"{peak_mb(result):.0f} MB for a page that expands to 512 MB"
    assert files(tmp_path / "seeds") == []


def test_the_size_limit_can_be_raised(server, tmp_path):
    result = capture(f"{server}/big", "--seeds", tmp_path / "seeds", "--max-size", "3", cwd=tmp_path)
    assert "larger than" not in result.stderr


def test_a_compressed_answer_is_kept_decompressed(server, tmp_path):
    result = capture(f"{server}/gzipped", "--id", "story", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "seeds" / "story.html").read_bytes() == PAGE.encode("utf-8")
    assert STORY[0] in (tmp_path / "seeds" / "story.txt").read_text(encoding="utf-8")


def test_only_http_redirects_are_followed(server, tmp_path):
    result = capture(f"{server}/to-ftp", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert "ftp://127.0.0.1/story.html, which is not an http(s) address" in error_line(result)
    assert files(tmp_path / "seeds") == []
    result = capture(f"{server}/to-page", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))[DEFAULT_ID]
    assert entry["url"] == f"{server}/page", "the address the page came from"


def warc(path: Path, body: bytes, compressed: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compressed)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://coastherald.example/quay", "response",
                                                  payload=io.BytesIO(body), http_headers=headers,
                                                  warc_headers_dict={"WARC-Date": "2025-02-15T10:00:00Z"}))
    path.write_bytes(out.getvalue())
    return out.getvalue()


@pytest.mark.parametrize("compressed", [False, True])
def test_a_web_archive_cut_short_is_refused(tmp_path, compressed):
    name = "page.warc.gz" if compressed else "page.warc"
    whole = warc(tmp_path / name, PAGE.encode("utf-8"), compressed)
    result = capture(tmp_path / name, "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for share in (0.9, 0.5):
        cut = tmp_path / f"cut-{share}-{name}"
        cut.write_bytes(whole[: int(len(whole) * share)])
        result = capture(cut, "--seeds", tmp_path / "cut-seeds", cwd=tmp_path)
        line = error_line(result)
        assert "cut short" in line or "damaged" in line or "cannot be read" in line, line
        assert files(tmp_path / "cut-seeds") == []


def test_a_web_archive_whose_digest_does_not_match_is_refused(tmp_path):
    whole = bytearray(warc(tmp_path / "page.warc", PAGE.encode("utf-8"), False))
    at = whole.index(STORY[2][:20].encode("utf-8"))
    whole[at: at + 3] = b"Not"
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(bytes(whole))
    line = error_line(capture(damaged, "--seeds", tmp_path / "seeds", cwd=tmp_path))
    assert "damaged" in line and "digest" in line, line
    assert files(tmp_path / "seeds") == []


def test_a_web_archive_record_past_the_size_limit_is_refused(tmp_path):
    body = PAGE.replace("</body>", "<p>" + "word " * (3 * MB // 5) + "</p></body>").encode("utf-8")
    warc(tmp_path / "big.warc.gz", body, True)
    line = error_line(capture(tmp_path / "big.warc.gz", "--seeds", tmp_path / "seeds", "--max-size", "1",
                              cwd=tmp_path))
    assert "larger than 1 MB" in line
    assert files(tmp_path / "seeds") == []


def test_a_stopped_capture_s_leftovers_do_not_take_the_id(tmp_path):
    """What a capture stopped between its files and sources.yaml would
    leave: the rerun of the same page takes the same id (not -2) and ends
    with the three files whole; another page does not take them over."""
    saved = tmp_path / "page.html"
    saved.write_text(PAGE, encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text("# ours\n", encoding="utf-8")
    (seeds / f"{DEFAULT_ID}.html").write_bytes(PAGE.encode("utf-8"))
    (seeds / f"{DEFAULT_ID}.txt").write_text(STORY[0][:30], encoding="utf-8")
    result = capture(saved, "--seeds", seeds, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8"))
    assert list(data) == [DEFAULT_ID]
    assert STORY[-1] in (seeds / f"{DEFAULT_ID}.txt").read_text(encoding="utf-8")
    other = tmp_path / "other.html"
    other.write_text(PAGE.replace(STORY[1], "A different paragraph of the same story, in another edition."),
                     encoding="utf-8")
    (seeds / "orphan-2025-02-14.html").write_text("<html><body><p>someone's own file</p></body></html>")
    result = capture(other, "--id", "orphan-2025-02-14", "--seeds", seeds, cwd=tmp_path)
    assert "is taken" in error_line(result)


def test_a_capture_killed_at_any_moment_leaves_nothing_its_rerun_trips_on(tmp_path):
    saved = tmp_path / "page.html"
    saved.write_text(PAGE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    chance = random.Random(20)
    for attempt in range(10):
        seeds = tmp_path / f"seeds-{attempt}"
        seeds.mkdir()
        (seeds / "sources.yaml").write_text("# ours\n", encoding="utf-8")
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "capture", str(saved), "--seeds",
                                    str(seeds)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.2, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        named = yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8")) or {}
        for source_id in named:
            assert (seeds / f"{source_id}.txt").is_file() and (seeds / f"{source_id}.html").is_file()
        rerun = capture(saved, "--seeds", seeds, cwd=tmp_path)
        if named:
            assert "already" in rerun.stderr or rerun.returncode == 0
            continue
        assert rerun.returncode == 0, rerun.stderr
        assert list(yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8"))) == [DEFAULT_ID]
        assert files(seeds) == sorted([f"{DEFAULT_ID}.html", f"{DEFAULT_ID}.txt", "sources.yaml"]), files(seeds)
