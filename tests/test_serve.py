"""`build.py serve` (issue 14), talked to as a browser talks to it: the
first line, the files as served and as on disk, the event stream after
each kind of save, errors, paths outside the site, and how it stops.
In Chromium: tests/test_serve_browser.py."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from serve_support import (DRAFT_PAGE, EMBARGOED, REPO, Served, ServedFolder, copy_project, tree, with_draft,
                           write_by_rename, write_in_pieces, write_in_place)

ENTRY = "content/2022-01-07-shoot-to-kill-order.md"
PAGE = "entries/2022-01-07-shoot-to-kill-order.html"
LIVE_TAGS = re.compile(rb'<link rel="stylesheet" href="/__live/live.css"><script src="/__live/live.js" '
                       rb'data-live="/__live/" data-build="\d+" defer></script>\n?')


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def fresh_build(project: Path, out: Path) -> dict[str, bytes]:
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--no-cache", "--out", str(out)],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return tree(out)


def edited(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def test_first_line_then_the_site_as_on_disk_with_the_script_only_as_served(project):
    with Served(project) as served:
        assert served.first_line.startswith("serving http://127.0.0.1:")
        served.wait_build(after=0)
        for path in ("index.html", PAGE, "sources/index.html"):
            status, body, headers = served.get("/" + path)
            assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
            on_disk = (project / "site" / path).read_bytes()
            assert b"__live" not in on_disk
            assert len(LIVE_TAGS.findall(body)) == 1, "the reload script is added once, in the head"
            assert LIVE_TAGS.sub(b"", body) == on_disk
        status, body, headers = served.get("/static/style.css")
        assert status == 200 and body == (project / "site/static/style.css").read_bytes()
        assert headers["Content-Type"].startswith("text/css")
        status, body, _ = served.get("/timeline.json")
        assert status == 200 and body == (project / "site/timeline.json").read_bytes()
        status, body, _ = served.get("/", method="HEAD")
        assert status == 200 and body == b""
    assert served.returncode == 0


OUTSIDE_PATHS = [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/entries/..%2F..%2F..%2Fetc%2Fpasswd", "/..\\..\\etc\\passwd", "/%5c..%5c..%5cetc%5cpasswd",
    "/%252e%252e/etc/passwd", "/static/%00style.css", "/outside/passwd", "/outside.html",
    "/%ff%fe", "/__live/../../../etc/passwd",
    # Links, whether they leave the site or not, and a folder's index found through one.
    "/linkdir/", "/linkdir", "/linkdir/index.html", "/linked.html", "/entries-link/", "/entries-link",
    "/entries-link/" + PAGE.split("/")[1], "/static/linked.css", "/link-to-site/index.html",
    # Not a regular file: reading it would wait for a writer.
    "/fifo.html", "/entries/fifo/",
]


def test_nothing_outside_the_site_is_served_nor_any_link_followed(tmp_path):
    project = copy_project(tmp_path / "project", own_look=False)
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "passwd").write_text("secret\n")
    (secret / "index.html").write_text("<html><head></head><body>secret</body></html>\n")
    (tmp_path / "outside.html").write_text("secret\n")
    with Served(project) as served:
        served.wait_build(after=0)
        site = project / "site"
        # Links, as a careless copy might leave there: out of the site and within it.
        (site / "outside").symlink_to(secret)
        (site / "outside.html").symlink_to(tmp_path / "outside.html")
        (site / "linkdir").symlink_to(secret)
        (site / "linked.html").symlink_to(site / "index.html")
        (site / "entries-link").symlink_to(site / "entries")
        (site / "static" / "linked.css").symlink_to("style.css")
        (site / "link-to-site").symlink_to(".")
        os.mkfifo(site / "fifo.html")
        (site / "entries" / "fifo").mkdir()
        os.mkfifo(site / "entries" / "fifo" / "index.html")
        for path in OUTSIDE_PATHS:
            status, body, _ = served.get(path)
            assert status == 404, (path, status)
            assert b"secret" not in body and b"root:" not in body
            if not path.startswith("/__live/"):
                assert LIVE_TAGS.sub(b"", body) == (site / "404.html").read_bytes(), path
        assert served.get("/" + PAGE)[0] == 200 and served.get("/static/style.css")[0] == 200
    assert "Traceback" not in served.stderr


def test_every_kind_of_save_is_built_once_and_the_folder_equals_a_fresh_build(project, tmp_path):
    """Body edits by rename, in place and in pieces, a title edit, a new
    entry, a removed one, a template, a source's text and the stylesheet:
    after each the output folder is byte for byte a fresh build's."""
    entry = project / ENTRY
    with Served(project) as served:
        build = served.wait_build(after=0)["build"]
        saves = [
            (write_by_rename, entry, edited(entry, "\n---\n", "\n---\nFirst saved by rename.\n")),
            (write_in_place, entry, edited(entry, "\n---\n", "\n---\nThen in place.\n")),
            (write_in_pieces, entry, edited(entry, "\n---\n", "\n---\nThen in pieces.\n")),
            (write_by_rename, entry, edited(entry, "title: ", "title: Retitled ")),
            (write_by_rename, project / "content/2022-01-11-added.md",
             "---\ntitle: An added entry\ndate: 2022-01-11\nsources: [" +
             (project / "content/2022-01-10-us-russia-talks.md").read_text().split("sources:")[1].split("\n")[1]
             .strip(" -") + "]\n---\nAdded while serving.\n"),
            (None, project / "content/2022-01-07-nato.md", None),
            (write_in_place, project / "templates/entry.html",
             edited(project / "templates/entry.html", "</article>", "<p>A template edit.</p></article>")),
            (write_in_place, project / "static/style.css",
             (project / "static/style.css").read_text() + "\n/* a stylesheet edit */\n"),
        ]
        for save, path, text in saves:
            if save is None:
                path.unlink()
            else:
                save(path, text)
            news = served.wait_build(after=build)
            assert news["build"] == build + 1, f"{path.name}: one save, one build"
            assert news["errors"] == []
            time.sleep(0.4)
            assert served.news(build + 1)["build"] == build + 1, f"{path.name}: built again without a change"
            build += 1
            assert tree(project / "site") == fresh_build(project, tmp_path / f"fresh{build}"), path.name
        assert "Added while serving." in (project / "site/entries/2022-01-11-added.html").read_text()
        assert not (project / "site/entries/2022-01-07-nato.html").exists()
        assert "A template edit." in (project / "site" / PAGE).read_text()
    assert served.returncode == 0
    assert "Traceback" not in served.stderr


def test_the_news_names_what_changed(project):
    entry = project / ENTRY
    other = "entries/2022-01-07-nato.html"
    with Served(project) as served:
        build = served.wait_build(after=0)["build"]
        assert served.news(build, "/" + PAGE) == {"build": build, "page": False, "assets": [], "errors": []}
        write_by_rename(entry, edited(entry, "\n---\n", "\n---\nA body edit.\n"))
        served.wait_build(after=build)
        assert served.news(build, "/" + PAGE)["page"] is True
        assert served.news(build, "/" + other)["page"] is False
        assert served.news(build + 1, "/" + PAGE)["page"] is False
        css = project / "static/style.css"
        write_in_place(css, css.read_text() + "\n/* edit */\n")
        served.wait_build(after=build + 1)
        news = served.news(build + 1, "/" + PAGE)
        assert news["page"] is False and news["assets"] == ["static/style.css"]


def test_errors_keep_the_last_good_site_and_clear(project):
    entry = project / ENTRY
    good = entry.read_text(encoding="utf-8")
    with Served(project) as served:
        build = served.wait_build(after=0)["build"]
        before = (project / "site" / PAGE).read_bytes()
        write_by_rename(entry, good.replace("date: ", "date: 2022-13-45\nwas: ", 1))
        news = served.wait_build(after=build)
        assert news["errors"], news
        assert all(re.match(r"content/2022-01-07-shoot-to-kill-order\.md:\d+: error: ", e) for e in news["errors"])
        assert (project / "site" / PAGE).read_bytes() == before
        status, body, _ = served.get("/" + PAGE)
        assert status == 200 and LIVE_TAGS.sub(b"", body) == before
        assert "error:" in served.stderr and "still serving the last good build" in served.stderr
        write_by_rename(entry, good)
        news = served.wait_build(after=build + 1)
        assert news["errors"] == []


def test_an_error_page_until_the_first_good_build(project):
    entry = project / ENTRY
    good = entry.read_text(encoding="utf-8")
    entry.write_text(good.replace("title: ", "titel: ", 1), encoding="utf-8")
    with Served(project) as served:
        news = served.wait_build(after=0)
        assert any("unknown key \"titel\"" in e for e in news["errors"])
        status, body, headers = served.get("/")
        assert status == 503 and headers["Cross-Origin-Resource-Policy"] == "same-origin"
        text = body.decode()
        assert "not built yet" in text and "titel" in text and LIVE_TAGS.search(body)
        assert served.news(0, "/")["page"] is False
        write_by_rename(entry, good)
        news = served.wait_build(after=news["build"])
        assert news["errors"] == []
        assert served.news(0, "/")["page"] is True, "the error page turns into the site"
        status, body, _ = served.get("/")
        assert status == 200 and b"not built yet" not in body


def test_a_folder_address_gets_its_slash_and_a_missing_page_the_404_page(project):
    with Served(project) as served:
        served.wait_build(after=0)
        (project / "site" / "notes").mkdir()
        (project / "site" / "notes" / "index.html").write_text("<html><head></head><body>n</body></html>")
        status, _, headers = served.get("/notes")
        assert status == 301 and headers["Location"] == "/notes/"
        status, body, _ = served.get("/no-such-page.html")
        assert status == 404
        assert LIVE_TAGS.sub(b"", body) == (project / "site/404.html").read_bytes()


def test_a_port_in_use_is_an_error(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
                              cwd=project, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"build.py: error: port {port} on 127.0.0.1 is in use")
    assert "--port 0" in proc.stderr and "Traceback" not in proc.stderr
    assert not (project / "site").exists(), "nothing built"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_cleanly_leaving_no_process(project, sig):
    served = Served(project)
    served.wait_build(after=0)
    # An open event stream must not hold it up.
    stream = served.stream(1)
    next(stream)
    assert served.stop(sig, timeout=15) == 0
    assert "Traceback" not in served.stderr and "KeyboardInterrupt" not in served.stderr
    with pytest.raises(ProcessLookupError):
        os.killpg(served.proc.pid, 0)   # nothing left in its process group
    stream.close()


def test_a_signal_during_a_build_stops_it_after_the_build(project):
    served = Served(project, "--no-cache")
    time.sleep(0.05)
    assert served.stop(signal.SIGTERM, timeout=60) == 0
    assert "Traceback" not in served.stderr
    with pytest.raises(ProcessLookupError):
        os.killpg(served.proc.pid, 0)


def test_polling_sees_a_save_too(project):
    entry = project / ENTRY
    with Served(project, "--poll") as served:
        build = served.wait_build(after=0)["build"]
        write_in_place(entry, edited(entry, "\n---\n", "\n---\nSeen by polling.\n"))
        served.wait_build(after=build, timeout=30)
        assert "Seen by polling." in (project / "site" / PAGE).read_text(encoding="utf-8")
    assert served.returncode == 0


# Issue 21: drafts are served, so the preview answers its own user's browser
# and nothing else; it stays up under idle, flooding and aborted connections.

def request(port: int, path: str, headers: list[tuple[str, str]], method: str = "GET",
            host: str | None = "default") -> tuple[int, bytes, dict[str, str]]:
    """A request with exactly the headers given (Host too: `host=None`
    sends none, `default` the server's own address)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host == "default":
            host = f"127.0.0.1:{port}"
        if host is not None:
            conn.putheader("Host", host)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = b"" if response.getheader("Content-Type") == "text/event-stream" else response.read()
        return response.status, body, dict(response.getheaders())
    finally:
        conn.close()


def test_only_requests_naming_its_own_address_are_answered(tmp_path):
    project = with_draft(copy_project(tmp_path / "project", own_look=False))
    with Served(project, "--drafts") as served:
        served.wait_build(after=0)
        port = served.port
        status, body, _ = request(port, DRAFT_PAGE, [])
        assert status == 200 and EMBARGOED.encode() in body
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
            status, body, _ = request(port, DRAFT_PAGE, [], host=host)
            assert status == 200 and EMBARGOED.encode() in body, host
        foreign = [f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
                   f"localhost.evil.example:{port}", f"evil.example:{port}@127.0.0.1", f"127.0.0.1:{port + 1}",
                   "127.0.0.1", "localhost", f"127.0.0.2:{port}", f"0.0.0.0:{port}", ""]
        paths = ["/", DRAFT_PAGE, "/search-index.js", "/timeline.json", "/static/style.css", "/__live/live.js",
                 "/__live/events?build=0", "/no-such-page.html", "/../../etc/passwd", "/entries"]
        for host in foreign:
            for path in paths:
                for method in ("GET", "HEAD"):
                    status, body, headers = request(port, path, [], method=method, host=host)
                    assert status == 403, (host, path, method, status)
                    assert EMBARGOED.encode() not in body and b"TIMELINE_SEARCH" not in body
                    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        # No Host at all (HTTP/1.0 allows it), two of them, or a target in absolute form.
        assert request(port, DRAFT_PAGE, [], host=None)[0] == 403
        assert request(port, DRAFT_PAGE, [("Host", "evil.example")])[0] == 403
        status, body, _ = request(port, f"http://evil.example:{port}{DRAFT_PAGE}", [], host=f"evil.example:{port}")
        assert status == 403 and EMBARGOED.encode() not in body
        status, body, _ = request(port, f"http://127.0.0.1:{port}{DRAFT_PAGE}", [])
        assert status == 403 and EMBARGOED.encode() not in body
    assert served.returncode == 0
    assert "Traceback" not in served.stderr


def test_the_address_of_a_wildcard_or_network_listener_and_localhost_are_its_names():
    """Listening on 0.0.0.0 or ::, a request is for the address it arrived
    at (a browser on the network names it so) or a localhost form; a
    server on one address answers that address. A name never passes."""
    from timeline.serve.server import host_allowed
    assert host_allowed("192.168.1.20:8000", "0.0.0.0", "192.168.1.20", 8000)
    assert host_allowed("192.168.1.20:8000", "::", "::ffff:192.168.1.20", 8000)
    assert host_allowed("[fe80::1]:8000", "::", "fe80::1%eth0", 8000)
    assert host_allowed("localhost:8000", "0.0.0.0", "127.0.0.1", 8000)
    assert host_allowed("192.168.1.20:8000", "192.168.1.20", "192.168.1.20", 8000)
    assert host_allowed("example.test", "127.0.0.1", "127.0.0.1", 80) is False
    assert host_allowed("localhost", "127.0.0.1", "127.0.0.1", 80)
    for host in ("192.168.1.21:8000", "192.168.1.20:8001", "laptop.local:8000", "evil.example:8000",
                 "192.168.1.20", "192.168.1.20:8000.evil.example", ""):
        assert not host_allowed(host, "0.0.0.0", "192.168.1.20", 8000), host


def test_every_response_is_for_its_own_origin_only(tmp_path):
    project = with_draft(copy_project(tmp_path / "project", own_look=False))
    with Served(project, "--drafts") as served:
        served.wait_build(after=0)
        port = served.port
        (project / "site" / "notes").mkdir()
        (project / "site" / "notes" / "index.html").write_text("<html><head></head><body>n</body></html>")
        own = f"http://127.0.0.1:{port}"
        kinds = {}
        for path, method, headers in [
            ("/", "GET", []), (DRAFT_PAGE, "GET", []), ("/search-index.js", "GET", []),
            ("/timeline.json", "GET", []), ("/static/style.css", "HEAD", []), ("/notes", "GET", []),
            ("/no-such-page.html", "GET", []), ("/__live/live.js", "GET", []), ("/__live/nothing", "GET", []),
            ("/__live/events?build=0", "GET", []), ("/", "POST", []), ("/", "GET", [("Origin", "null")]),
        ]:
            status, _, got = request(port, path, headers, method=method)
            kinds[status] = path
            assert got.get("Cross-Origin-Resource-Policy") == "same-origin", (path, method, status)
            assert got.get("X-Content-Type-Options") == "nosniff", (path, method, status)
        assert set(kinds) == {200, 301, 403, 404, 501}
        # What a page of another origin (another port of this machine is one) would send.
        for path in ("/__live/events?build=0", "/search-index.js", DRAFT_PAGE, "/timeline.json"):
            for headers in ([("Origin", "http://127.0.0.1:1")], [("Origin", f"http://evil.example:{port}")],
                            [("Origin", "null")],
                            [("Sec-Fetch-Site", "same-site"), ("Sec-Fetch-Mode", "no-cors")],
                            [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors")],
                            [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors"),
                             ("Sec-Fetch-Dest", "script")]):
                status, body, _ = request(port, path, headers)
                assert status == 403, (path, headers, status)
                assert EMBARGOED.encode() not in body and b"TIMELINE_SEARCH" not in body
        # The stream from another origin's page is refused even as a navigation.
        assert request(port, "/__live/events?build=0", [("Sec-Fetch-Site", "cross-site"),
                                                        ("Sec-Fetch-Mode", "navigate")])[0] == 403
        # A link followed from another site opens the page; the page's own requests are answered.
        status, body, _ = request(port, DRAFT_PAGE, [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"),
                                                     ("Sec-Fetch-Dest", "document")])
        assert status == 200 and EMBARGOED.encode() in body
        status, body, headers = request(port, "/__live/events?build=0", [("Origin", own),
                                                                         ("Sec-Fetch-Site", "same-origin")])
        assert status == 200 and headers["Content-Type"] == "text/event-stream"
        own_script = [("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "script")]
        status, body, _ = request(port, "/search-index.js", own_script)
        assert status == 200 and body.startswith(b"window.TIMELINE_SEARCH=")
        # The search's files of results: the draft's title is in one of them.
        head = json.loads(body.decode("utf-8").split("=", 1)[1].rstrip().rstrip(";"))
        bodies = [request(port, f"/search/e{k}.js", own_script) for k in range(-(-head["count"] // head["chunk"]))]
        assert all(status == 200 for status, _, _ in bodies)
        assert any(EMBARGOED.encode() in body for _, body, _ in bodies)
    assert served.returncode == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A site as `build` writes it, for the server alone (serve_support.ServedFolder)."""
    root = tmp_path_factory.mktemp("built")
    fresh_build(copy_project(root / "project", own_look=False), root / "site")
    return root / "site"


def get_from(port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes the connection within `within` seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def leave_abruptly(sock: socket.socket) -> None:
    """Close with a reset, as a browser does when a tab is closed mid-load."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def threads_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^Threads:\s+(\d+)$", status, re.M).group(1))


def test_quiet_connections_take_no_thread_and_are_closed_after_the_time_out(built):
    """A flood of connections that send nothing: a normal request is still
    answered at once, the server's threads stay as many as before, the
    quiet ones are closed after the idle time-out (or sooner, the oldest
    first, past the number it holds), and the server never spins."""
    idle = 3.0
    with ServedFolder(built, idle=idle, threads=4) as server:
        threads = threads_of(server.proc.pid)
        cpu, started = server.cpu_seconds(), time.monotonic()
        quiet = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(300)]
        status, body = get_from(server.port, "/")
        assert status == 200 and b"</html>" in body
        assert time.monotonic() - started < idle, "answered while the quiet connections were held"
        assert threads_of(server.proc.pid) == threads
        # Past the 256 it holds, the oldest were closed to make room; the newest wait their time.
        assert closed_by_server(quiet[0], 0.1)
        assert not closed_by_server(quiet[-1], 0.1)
        assert all(closed_by_server(sock, idle * 3) for sock in quiet)
        assert time.monotonic() - started >= idle * 0.9, "the newest were given their time"
        waited = time.monotonic() - started
        used = server.cpu_seconds() - cpu
        assert used < waited / 4, f"{used:.2f} s of CPU in {waited:.2f} s"
        for sock in quiet:
            sock.close()
        assert get_from(server.port, "/timeline.json")[0] == 200
    assert server.stderr == ""


def test_requests_beyond_the_threads_wait_their_turn_then_are_refused(built):
    """Half-sent requests hold a thread each until their deadline: as many
    again wait for one, the next are answered 503 at once, and once the
    deadline has passed a request is served again. The threads never grow."""
    idle, workers = 2.0, 2
    with ServedFolder(built, idle=idle, threads=workers) as server:
        threads = threads_of(server.proc.pid)
        slow = []
        for _ in range(workers * 2):
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.sendall(f"GET / HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\nUser-".encode())
            slow.append(sock)
        time.sleep(0.3)
        status, body = get_from(server.port, "/")
        assert status == 503 and body == b"busy\n"
        assert threads_of(server.proc.pid) == threads
        assert all(closed_by_server(sock, idle * 3) for sock in slow)
        status, body = get_from(server.port, "/")
        assert status == 200 and b"</html>" in body
    assert server.stderr == ""


def test_out_of_file_descriptors_it_makes_room_rather_than_spins(built):
    """More connections than the process may open: accepting fails, and
    the server closes the oldest quiet ones instead of asking again and
    again (which took a whole core); a normal request is still answered."""
    idle = 5.0
    with ServedFolder(built, idle=idle, threads=4, files=48) as server:
        quiet = []
        for _ in range(80):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", server.port))
            quiet.append(sock)
        time.sleep(0.3)
        cpu, started = server.cpu_seconds(), time.monotonic()
        time.sleep(1.5)
        used, spent = server.cpu_seconds() - cpu, time.monotonic() - started
        assert used < spent / 4, f"{used:.2f} s of CPU in {spent:.2f} s at the descriptor limit"
        status, body = get_from(server.port, "/", timeout=idle / 2)
        assert status == 200 and b"</html>" in body
        for sock in quiet:
            sock.setblocking(True)
            assert closed_by_server(sock, idle * 3)
            sock.close()
    assert server.stderr == ""


def test_the_output_folder_may_itself_be_a_link(built, tmp_path):
    (tmp_path / "site").symlink_to(built)
    with ServedFolder(tmp_path / "site", idle=5, threads=4) as server:
        assert get_from(server.port, "/")[0] == 200
        assert get_from(server.port, "/" + PAGE)[0] == 200
    assert server.stderr == ""


def test_a_client_that_leaves_early_is_no_error(project):
    """Requests abandoned mid-body (a large file, a page), mid-request and
    on the event stream: the server says nothing and serves on."""
    with Served(project) as served:
        build = served.wait_build(after=0)["build"]
        big = project / "site" / "static" / "big.bin"
        big.write_bytes(os.urandom(1 << 20) * 32)
        address = ("127.0.0.1", served.port)
        host = f"Host: 127.0.0.1:{served.port}\r\n"
        for path, method, taken in [("/static/big.bin", "GET", 65536)] * 6 + [("/", "GET", 100),
                                                                           ("/" + PAGE, "GET", 20),
                                                                           ("/static/big.bin", "HEAD", 20)]:
            sock = socket.create_connection(address, timeout=30)
            sock.sendall(f"{method} {path} HTTP/1.1\r\n{host}\r\n".encode())
            got = b""
            while len(got) < taken:
                got += sock.recv(taken - len(got))
            assert got.startswith(b"HTTP/1.0 200 ")
            leave_abruptly(sock)
        sock = socket.create_connection(address, timeout=30)
        sock.sendall(f"GET /{PAGE} HTTP/1.1\r\n{host}Accept: text/ht".encode())
        leave_abruptly(sock)
        status, body, _ = served.get("/static/big.bin")
        assert status == 200 and body == big.read_bytes()
        # The stream: its first message read, then gone; the next build writes to it.
        streams = []
        for _ in range(3):
            sock = socket.create_connection(address, timeout=30)
            sock.sendall(f"GET /__live/events?build={build}&page=/ HTTP/1.1\r\n{host}\r\n".encode())
            got = b""
            while b"\n\n" not in got.split(b"\r\n\r\n", 1)[-1] or b"data: " not in got:
                got += sock.recv(4096)
            streams.append(sock)
        for sock in streams:
            leave_abruptly(sock)
        entry = project / ENTRY
        write_by_rename(entry, edited(entry, "\n---\n", "\n---\nEdited after the pages left.\n"))
        served.wait_build(after=build)
        write_by_rename(entry, edited(entry, "\n---\n", "\n---\nAnd once more.\n"))
        served.wait_build(after=build + 1)
        assert served.get("/" + PAGE)[0] == 200
    assert served.returncode == 0
    for noise in ("Traceback", "Error", "Exception", "-----", "Broken", "reset"):
        assert noise not in served.stderr, served.stderr
    assert all(re.match(r"(re)?built in \d+ ms: ", line) for line in served.err_lines), served.stderr


def test_open_pages_streams_leave_threads_for_the_files(built):
    """Each open page holds its event stream's thread: at most half the
    threads go to streams, the next page is told to ask again (503, and
    live.js retries), and files are still served meanwhile."""
    with ServedFolder(built, idle=30, threads=4) as server:
        streams = []
        for _ in range(2):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("GET", "/__live/events?build=1&page=/")
            response = conn.getresponse()
            assert response.status == 200 and response.fp.readline().startswith(b"data: ")
            streams.append(conn)
        status, body = get_from(server.port, "/__live/events?build=1&page=/", timeout=30)
        assert status == 503 and body == b"too many open pages\n"
        for path in ("/", "/" + PAGE, "/search-index.js", "/__live/live.js"):
            assert get_from(server.port, path, timeout=30)[0] == 200, path
        for conn in streams:
            conn.close()
    assert server.stderr == ""


def test_a_request_dripped_a_byte_at_a_time_is_cut_off(built):
    """Each byte well within the idle time-out, but the request as a whole
    must come within it too."""
    idle = 1.0
    with ServedFolder(built, idle=idle, threads=4) as server:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        started = time.monotonic()
        sock.sendall(f"GET / HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\nX-Slow: ".encode())
        cut = False
        while time.monotonic() - started < idle * 10 and not cut:
            try:
                sock.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
            cut = closed_by_server(sock, idle / 20)   # faster than any time-out: only the deadline stops it
        assert cut, "still reading a request that never ends"
        assert time.monotonic() - started < idle * 3
        sock.close()
        assert get_from(server.port, "/")[0] == 200
    assert server.stderr == ""
