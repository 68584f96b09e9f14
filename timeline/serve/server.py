"""The preview's HTTP server: the output folder and nothing else, each
HTML page with the reload script added as it is served (never on disk),
and the endpoint that tells open pages what a build changed.

Standard library only: http.server's request handling, served by a fixed
number of threads. A connection gets one only once its request begins (a
quiet one waits in the WaitingRoom, one thread and a selector for them
all) and must send it whole within the idle time-out; the pages' event
streams take at most half the threads, so that they never hold up the
files.

Drafts are served, so the server answers nobody but the browser of the
one who runs it: a request naming another host (a DNS-rebinding page) is
refused, no file may be read by a page of another origin, and no path
leaves the output folder, by `..` or by a symbolic link."""

from __future__ import annotations

import errno
import io
import ipaddress
import json
import mimetypes
import os
import queue
import selectors
import socket
import stat
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Callable, cast
from urllib.parse import parse_qs, unquote

import jinja2

from .site import LiveSite

ASSETS = Path(__file__).parent / "assets"
LIVE = "/__live/"                 # the preview's own files and endpoint; never a site path
KEEPALIVE_SECONDS = 15            # a comment down an idle stream, so that a gone page is noticed
IDLE_SECONDS = 20.0               # a request must come whole by then; a write waiting as long ends it
THREADS = 32                      # requests served at once
WAITING = 256                     # connections held before their request begins; beyond, the oldest is closed
CHUNK = 256 * 1024                # a body is written in pieces: the time-out applies to each
BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
        b"Cross-Origin-Resource-Policy: same-origin\r\nContent-Length: 5\r\n\r\nbusy\n")
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
         ".webp": "image/webp", ".avif": "image/avif"}


@dataclass(frozen=True)
class Found:
    """A file of the output folder: its name (for its type), its bytes,
    and whether it is a folder's index.html, found by the folder's address."""

    name: str
    data: bytes
    folder: bool


def site_parts(url_path: str) -> list[str] | None:
    """A request's path as names under the output folder, or None when it
    cannot name a file of it (`..`, encoded or not, a back slash, a NUL, a
    byte sequence that is not UTF-8)."""
    try:
        path = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return None if ".." in parts else parts


def read_site_file(root: Path, url_path: str) -> Found | None:
    """The file a request's path names, or None. Each name is opened
    relative to the folder before it and never through a symbolic link,
    so no link (to a file or a folder, in or out of the site) is followed,
    even one made between a check and the read; only regular files are
    read (a FIFO would hang the request). The output folder itself may be
    a link: it is the user's to place."""
    parts = site_parts(url_path)
    if parts is None:
        return None
    nofollow = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        mode = os.fstat(fd).st_mode
        for part in parts:
            if not stat.S_ISDIR(mode):
                return None
            fd, parent = os.open(part, nofollow, dir_fd=fd), fd
            os.close(parent)
            mode = os.fstat(fd).st_mode
        folder = stat.S_ISDIR(mode)
        if folder:
            fd, parent = os.open("index.html", nofollow, dir_fd=fd), fd
            os.close(parent)
            mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return None
        with os.fdopen(fd, "rb") as file:
            fd = -1
            data = file.read()
    except (OSError, ValueError):
        # ELOOP: a link; ENOENT, ENOTDIR, EACCES: nothing to serve. ValueError: a name too odd for the system.
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    return Found("index.html" if folder else (parts[-1] if parts else "index.html"), data, folder)


def page_name(url_path: str) -> str:
    """A request's path as the site path a build reports (`entries/x.html`)."""
    path = unquote(url_path)
    if path.endswith("/"):
        path += "index.html"
    return path.lstrip("/")


def host_forms(address: str) -> set[str]:
    """An address as a Host header names it: `127.0.0.1`, `[::1]`; an IPv6
    socket's IPv4-mapped address (`::ffff:10.0.0.2`) as the IPv4 one too."""
    address = address.split("%")[0].lower()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return {address}
    if isinstance(ip, ipaddress.IPv6Address):
        forms = {f"[{ip.compressed}]"}
        if ip.ipv4_mapped is not None:
            forms.add(str(ip.ipv4_mapped))
        return forms
    return {str(ip)}


def host_allowed(host: str, listening: str, arrived: str, port: int) -> bool:
    """Whether a request's Host header names this server: the address it
    listens on, the address the connection arrived at (the one a browser
    used, when listening on 0.0.0.0 or ::) or a localhost form, each with
    the port. Any other name, `evil.example` that a DNS rebinding points
    here above all, is refused: a page of another origin must not read it."""
    names = set(LOCAL_NAMES) | host_forms(listening) | host_forms(arrived)
    wanted = {f"{name}:{port}" for name in names}
    if port == 80:
        wanted |= names
    return host.strip().lower() in wanted


class RequestReader(io.RawIOBase):
    """A connection's bytes until `deadline` (its acceptance plus the idle
    time-out): the whole request must have come by then, so that a client
    sending a byte now and then holds no thread for long."""

    def __init__(self, sock: socket.socket, deadline: float, seconds: float):
        self.sock = sock
        self.deadline = deadline
        self.seconds = seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        # Past the deadline, what has come by then is still read (a request
        # that waited its turn for a thread), without waiting for more: a
        # time-out of 0 is a socket that does not wait.
        self.sock.settimeout(max(self.deadline - time.monotonic(), 0.0))
        try:
            return self.sock.recv_into(buffer)
        except BlockingIOError:
            raise TimeoutError("the request did not come whole in time") from None
        finally:
            self.sock.settimeout(self.seconds)   # for the writes: each may take as long


class WaitingRoom:
    """Connections accepted whose request has not begun, held by one thread
    with a selector rather than a thread each: a connection leaves when its
    first bytes come (to `ready`), or is closed when its time is up or when
    room is needed (more than `capacity` waiting, or no file descriptor
    left), the oldest first. Quiet connections, a browser's spare ones or a
    flood of them, cost no thread and keep no request waiting."""

    def __init__(self, seconds: float, capacity: int, ready: Callable[[socket.socket, Any, float], None],
                 close: Callable[[socket.socket], None]):
        self.seconds = seconds
        self.capacity = capacity
        self.ready = ready
        self.close = close
        self.selector = selectors.DefaultSelector()
        self._wake_in, self._wake_out = socket.socketpair()
        for end in (self._wake_in, self._wake_out):
            end.setblocking(False)
        self.selector.register(self._wake_in, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._arrived: list[tuple[socket.socket, Any, float]] = []   # handed over by the accepting thread
        self._crowded = False
        self._stopping = False
        self._waiting: dict[socket.socket, tuple[Any, float]] = {}   # in the order they came
        self.thread = threading.Thread(target=self._run, name="preview-waiting-room", daemon=True)
        self.thread.start()

    def add(self, sock: socket.socket, address: Any) -> None:
        with self._lock:
            self._arrived.append((sock, address, time.monotonic()))
        self._wake()

    def crowded(self) -> None:
        """No descriptor is left: close some of the quietest."""
        with self._lock:
            self._crowded = True
        self._wake()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self._wake()
        self.thread.join(10)

    def _wake(self) -> None:
        try:
            self._wake_out.send(b"\0")
        except OSError:
            pass   # its buffer is full: it is awake already

    def _drop(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        del self._waiting[sock]
        self.close(sock)

    def _run(self) -> None:
        while True:
            with self._lock:
                arrived, self._arrived = self._arrived, []
                crowded, self._crowded = self._crowded, False
                stopping = self._stopping
            for sock, address, since in arrived:
                try:
                    self.selector.register(sock, selectors.EVENT_READ, (address, since))
                except (OSError, ValueError):
                    self.close(sock)   # gone already
                    continue
                self._waiting[sock] = (address, since)
            if stopping:
                break
            extra = len(self._waiting) - self.capacity
            if crowded:
                extra = max(extra, (len(self._waiting) + 3) // 4)
            for _ in range(extra):
                self._drop(next(iter(self._waiting)))
            now = time.monotonic()
            timeout = None
            while self._waiting:
                sock, (_, since) = next(iter(self._waiting.items()))
                if now - since < self.seconds:
                    timeout = since + self.seconds - now
                    break
                self._drop(sock)
            for key, _ in self.selector.select(timeout):
                if key.fileobj is self._wake_in:
                    try:
                        while self._wake_in.recv(4096):
                            pass
                    except BlockingIOError:
                        pass
                    continue
                sock = cast(socket.socket, key.fileobj)
                self.selector.unregister(sock)
                address, since = self._waiting.pop(sock)
                self.ready(sock, address, since)
        for sock in list(self._waiting):
            self._drop(sock)
        self.selector.close()
        self._wake_in.close()
        self._wake_out.close()


class PreviewServer(HTTPServer):
    """Serves `out_dir` as `site` says it stands, by `threads` threads: a
    connection gets one once its request begins (until then it waits in
    the WaitingRoom, `idle_timeout` seconds at most), and its request must
    have come whole within `idle_timeout` of its arrival; when the threads
    are busy and as many connections again wait for one, the next are
    answered 503 at once."""

    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, out_dir: Path, site: LiveSite, *,
                 idle_timeout: float = IDLE_SECONDS, threads: int = THREADS):
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        self.out_dir = out_dir
        self.site = site
        self.idle_timeout = idle_timeout
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                                 keep_trailing_newline=True)
        self.tags = env.get_template("tags.html")
        self.waiting = env.get_template("waiting.html")
        self.assets = {name: (ASSETS / name).read_bytes() for name in ("live.js", "live.css")}
        # An event stream holds its thread for as long as its page is open:
        # half the threads at most, so that pages and files are still served.
        self.streams = threading.BoundedSemaphore(max(1, threads // 2))
        self.queue: queue.Queue[tuple[socket.socket, Any, float] | None] = queue.Queue()
        self.admitted = threading.BoundedSemaphore(2 * threads)   # served or waiting for a thread
        self.workers = [threading.Thread(target=self._work, name="preview-worker", daemon=True)
                        for _ in range(threads)]
        for worker in self.workers:
            worker.start()
        self.room = WaitingRoom(idle_timeout, WAITING, self._ready, self.shutdown_request)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            return super().get_request()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):
                # Out of descriptors: the listening socket stays readable, and
                # asking again at once would spin. Make room, and give it a moment.
                self.room.crowded()
                time.sleep(0.05)
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        self.room.add(request, client_address)

    def _ready(self, sock: socket.socket, address: Any, since: float) -> None:
        """A connection's request has begun: to a thread, or, when as many
        wait for one as there are threads (all busy), a 503 at once (never
        waiting to send it: the waiting room's thread must not block)."""
        if not self.admitted.acquire(blocking=False):
            sock.setblocking(False)
            try:
                sock.recv(65536)   # what has come, so that closing does not reset the connection
                sock.send(BUSY)
            except OSError:
                pass
            self.shutdown_request(sock)
            return
        self.queue.put((sock, address, since))

    def _work(self) -> None:
        while (job := self.queue.get()) is not None:
            sock, address, since = job
            try:
                Handler(sock, address, self, since=since)
            except Exception:
                self.handle_error(sock, address)
            finally:
                self.shutdown_request(sock)
                self.admitted.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return   # a client that left or went quiet is no error
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        super().shutdown()   # nothing more is accepted
        self.room.stop()
        for _ in self.workers:
            self.queue.put(None)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    # One request a connection: no idle keep-alive connections for the
    # browser to hold, nor for a stop to wait out.
    protocol_version = "HTTP/1.0"
    server_version = "timeline-preview"

    def __init__(self, request: Any, client_address: Any, server: PreviewServer, since: float | None = None):
        self.since = time.monotonic() if since is None else since   # when the connection was accepted
        super().__init__(request, client_address, server)

    def setup(self) -> None:
        super().setup()
        idle = self.server.idle_timeout
        self.connection.settimeout(idle)
        self.rfile.close()
        self.rfile = io.BufferedReader(RequestReader(self.connection, self.since + idle, idle))

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            pass   # the client left (closed the tab, stopped a download) or stopped reading

    def log_message(self, format: str, *args: Any) -> None:   # noqa: A002 - http.server's name
        pass   # a request log would bury the build's messages

    def send_response(self, code: int, message: str | None = None) -> None:
        # On every response, errors included: no page of another origin may
        # load any of it as a script, a style or an image.
        super().send_response(code, message)
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("X-Content-Type-Options", "nosniff")

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _refusal(self, live: bool) -> str | None:
        """Why this request is refused, or None. The Host must name this
        server; a request made by a page of another origin (its Origin, or
        the browser's Sec-Fetch-Site) may only be a navigation to a page,
        never a read of a file nor of the event stream."""
        hosts = self.headers.get_all("Host") or []
        port = self.server.server_address[1]
        arrived = self.connection.getsockname()[0]
        listening = str(self.server.server_address[0])
        if len(hosts) != 1 or not host_allowed(hosts[0], listening, arrived, port):
            return f"this preview answers only requests for {self.server.url}"
        origin = self.headers.get("Origin")
        if origin is not None and origin.strip().lower() != "http://" + hosts[0].strip().lower():
            return "this preview answers no other origin"
        site = self.headers.get("Sec-Fetch-Site", "").strip().lower()
        if site in ("cross-site", "same-site"):
            navigation = self.headers.get("Sec-Fetch-Mode", "").strip().lower() == "navigate"
            if live or not navigation:
                return "this preview answers no other origin"
        return None

    def _respond(self, head: bool) -> None:
        # The target as sent, never read as a URL: `//name/x` is a path, not a host.
        path, _, query = self.path.partition("#")[0].partition("?")
        live = path.startswith(LIVE)
        why = "a path must start with /" if not path.startswith("/") else self._refusal(live)
        if why is not None:
            return self._send(HTTPStatus.FORBIDDEN, f"forbidden: {why}\n".encode(), TYPES[".txt"], head)
        if live:
            name = path[len(LIVE):]
            if name == "events" and not head:
                return self._events(parse_qs(query))
            if name in self.server.assets:
                return self._send(HTTPStatus.OK, self.server.assets[name], TYPES[Path(name).suffix], head)
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", TYPES[".txt"], head)
        site = self.server.site
        # Found and read under the lock: a build may add or remove the file.
        with site.reading() as build:
            found = read_site_file(self.server.out_dir, path)
            if found is not None and found.folder and not path.endswith("/"):
                # A folder's address without its slash: its page's relative links need one
                # (`//x` made `/x/`: never an address on another host).
                return self._redirect("/" + path.lstrip("/") + "/")
            if build == 0:
                body = self.server.waiting.render(errors=site.errors).encode()
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._live(body, 0), TYPES[".html"], head)
            status = HTTPStatus.OK
            if found is None:
                status, found = HTTPStatus.NOT_FOUND, read_site_file(self.server.out_dir, "/404.html")
                if found is None:
                    return self._send(status, b"not found\n", TYPES[".txt"], head)
        suffix = Path(found.name).suffix
        kind = TYPES.get(suffix) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        data = self._live(found.data, build) if suffix == ".html" else found.data
        self._send(status, data, kind, head)

    def _live(self, page: bytes, build: int) -> bytes:
        """The page with the preview's script and style, as served only."""
        tags = self.server.tags.render(live=LIVE, build=build).encode()
        at = page.find(b"</head>")
        return page[:at] + tags + page[at:] if at >= 0 else page + tags

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")   # every load shows the build now on disk
        self.end_headers()
        if not head:
            view = memoryview(body)
            for at in range(0, len(body), CHUNK):
                self.wfile.write(view[at:at + CHUNK])

    def _redirect(self, to: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self, query: dict[str, list[str]]) -> None:
        """A server-sent event stream: what the page should do now, then
        after every build; a comment now and then while nothing happens."""
        site = self.server.site
        try:
            seen = int(query.get("build", ["0"])[0])
        except ValueError:
            seen = 0
        page = page_name(query.get("page", ["/"])[0])
        self.close_connection = True
        if not self.server.streams.acquire(blocking=False):
            # The page asks again a moment later (live.js), by when a hidden or closed one may have let go.
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"too many open pages\n", TYPES[".txt"], False)
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            while not site.stopping:
                news = site.news(seen, page)
                self.wfile.write(b"data: " + json.dumps(news.as_data()).encode() + b"\n\n")
                self.wfile.flush()
                seen = news.build
                while site.wait(seen, KEEPALIVE_SECONDS) == seen and not site.stopping:
                    self.wfile.write(b": idle\n\n")
                    self.wfile.flush()
        finally:
            self.server.streams.release()
