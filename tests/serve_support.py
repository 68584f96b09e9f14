"""`build.py serve` run as a user runs it, for the tests and the benchmark:
a copy of a project in a temporary folder, the server on a free port of
127.0.0.1, and the build number read from the server's own event stream.

    with Served(project) as served:
        served.wait_build(after=0)
        edit(...)
        served.wait_build(after=1)
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVING = re.compile(r"serving (http://127\.0\.0\.1:(\d+)/)\n")


def copy_project(to: Path, content: Path = REPO / "content", seeds: Path = REPO / "seeds",
                 own_look: bool = True) -> Path:
    """A project of its own: content, seeds and (own_look) a copy of the
    bundled templates and static files, so that tests may edit them."""
    shutil.copytree(content, to / "content")
    shutil.copytree(seeds, to / "seeds")
    if own_look:
        shutil.copytree(REPO / "templates", to / "templates")
        shutil.copytree(REPO / "static", to / "static")
    return to


class Served:
    """`build.py serve --port 0 ARGS` in `project`, stopped by SIGTERM on exit."""

    def __init__(self, project: Path, *args: str, check_exit: bool = True):
        self.project = project
        self.check_exit = check_exit
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--port", "0", *args],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, encoding="utf-8", start_new_session=True)
        self.first_line = self.proc.stdout.readline()
        match = SERVING.fullmatch(self.first_line)
        if not match:
            self.proc.kill()
            raise AssertionError(f"first line of serve: {self.first_line!r}; stderr: {self.proc.stderr.read()}")
        self.url, self.port = match.group(1), int(match.group(2))
        self.err_lines: list[str] = []
        self._reader = threading.Thread(target=self._read_err, daemon=True)
        self._reader.start()
        self.returncode: int | None = None
        self.elsewhere: list[str] = []   # requests a browser test saw go to another address

    def _read_err(self) -> None:
        for line in self.proc.stderr:
            self.err_lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.err_lines)

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(sig)
            try:
                self.returncode = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                raise AssertionError(f"serve did not stop on signal {sig} within {timeout} s")
            self._reader.join(5)
        return self.returncode

    def news(self, seen: int = 0, page: str = "/", timeout: float = 60) -> dict:
        """The first message of the event stream a page served at build
        `seen` would get."""
        return next(self.stream(seen, page, timeout))

    def stream(self, seen: int, page: str = "/", timeout: float = 60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", f"/__live/events?build={seen}&page={urllib.request.quote(page)}")
            response = conn.getresponse()
            assert response.status == 200
            assert response.getheader("Content-Type") == "text/event-stream"
            while True:
                line = response.fp.readline()
                if not line:
                    return
                if line.startswith(b"data: "):
                    yield json.loads(line[6:])
        finally:
            conn.close()

    def wait_build(self, after: int, timeout: float = 120) -> dict:
        """The news once a build later than `after` has finished."""
        deadline = time.monotonic() + timeout
        for news in self.stream(after, "/", timeout):
            if news["build"] > after:
                return news
            if time.monotonic() > deadline:
                break
        raise AssertionError(f"no build after {after} within {timeout} s; stderr:\n{self.stderr}")

    def get(self, path: str, method: str = "GET") -> tuple[int, bytes, dict]:
        """(status, body, headers) of a request, not following redirects."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()


DRAFT_PAGE = "/entries/2022-01-12-embargoed-vote.html"
EMBARGOED = "Embargoed secret vote"


def with_draft(project: Path) -> Path:
    """The project with an embargoed draft, served under --drafts only."""
    (project / "content/2022-01-12-embargoed-vote.md").write_text(
        f"---\ntitle: {EMBARGOED}\ndate: 2022-01-12\nplace: Astana\ndraft: true\n---\n"
        "The parliament votes quietly behind closed doors.\n", encoding="utf-8")
    return project


def write_by_rename(path: Path, text: str) -> None:
    """As many editors save: a new file beside it, renamed over it."""
    temp = path.with_name("." + path.name + ".tmp~")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def write_in_place(path: Path, text: str) -> None:
    """Truncate, then write: as other editors save."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_in_pieces(path: Path, text: str, pieces: int = 4, gap: float = 0.005) -> None:
    """Several quick writes, as some tools save a large file."""
    data = text.encode("utf-8")
    size = -(-len(data) // pieces)
    with open(path, "wb") as f:
        for i in range(0, len(data), size):
            f.write(data[i:i + size])
            # Flushed, not synced: a sync waits on the disk, which under load
            # can part the pieces by more than the watcher's step, unlike the
            # quick writes this stands for.
            f.flush()
            time.sleep(gap)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class ServedFolder:
    """The preview's server alone, on a folder already built, in a process
    of its own: for what `build.py serve` takes no option for (a short idle
    time-out, few threads, few file descriptors). Stopped by SIGTERM."""

    def __init__(self, folder: Path, idle: float, threads: int, files: int | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, str(folder), str(idle), str(threads), str(files or 0)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, encoding="utf-8", start_new_session=True)
        line = self.proc.stdout.readline()
        match = SERVING.fullmatch(line)
        if not match:
            self.proc.kill()
            raise AssertionError(f"first line: {line!r}; stderr: {self.proc.stderr.read()}")
        self.url, self.port = match.group(1), int(match.group(2))
        self.stderr = ""

    def cpu_seconds(self) -> float:
        """The user and system time the server has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> "ServedFolder":
        return self

    def __exit__(self, *exc) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, self.stderr = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("the server did not stop on SIGTERM within 30 s")


def _serve_folder(folder: str, idle: str, threads: str, files: str) -> None:
    sys.path.insert(0, str(REPO))
    import resource

    from timeline.serve.server import PreviewServer
    from timeline.serve.site import LiveSite

    if int(files):
        resource.setrlimit(resource.RLIMIT_NOFILE, (int(files), resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    site = LiveSite()
    site.finished([], [])
    server = PreviewServer("127.0.0.1", 0, Path(folder), site, idle_timeout=float(idle), threads=int(threads))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    print(f"serving {server.url}", flush=True)
    while not stop.wait(0.5):
        pass
    site.stop()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    _serve_folder(*sys.argv[1:])
