"""The preview's HTTP server: the output folder and nothing else, each
HTML page with the reload script added as it is served (never on disk),
and the endpoint that tells open pages what a build changed.

Standard library only: http.server's threading server, one thread per
connection, so that the pages' event streams do not hold up the files."""

from __future__ import annotations

import json
import mimetypes
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from .site import LiveSite

ASSETS = Path(__file__).parent / "assets"
LIVE = "/__live/"                 # the preview's own files and endpoint; never a site path
KEEPALIVE_SECONDS = 15            # a comment down an idle stream, so that a gone page is noticed
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
         ".webp": "image/webp", ".avif": "image/avif"}


def site_file(root: Path, url_path: str) -> Path | None:
    """The file of the output folder that a request's path names, or None:
    nothing outside the folder is ever named, whether by `..`, by an
    encoded one, by a back slash or by a symbolic link out of it."""
    try:
        path = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    real_root = root.resolve()
    target = real_root.joinpath(*parts).resolve()
    if not target.is_relative_to(real_root):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def page_name(url_path: str) -> str:
    """A request's path as the site path a build reports (`entries/x.html`)."""
    path = unquote(url_path)
    if path.endswith("/"):
        path += "index.html"
    return path.lstrip("/")


class PreviewServer(ThreadingHTTPServer):
    """Serves `out_dir` as `site` says it stands."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, out_dir: Path, site: LiveSite):
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        self.out_dir = out_dir
        self.site = site
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                                 keep_trailing_newline=True)
        self.tags = env.get_template("tags.html")
        self.waiting = env.get_template("waiting.html")
        self.assets = {name: (ASSETS / name).read_bytes() for name in ("live.js", "live.css")}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    # One request a connection: no idle keep-alive connections for the
    # browser to hold, nor for a stop to wait out.
    protocol_version = "HTTP/1.0"
    server_version = "timeline-preview"

    def log_message(self, format, *args) -> None:   # noqa: A002 - http.server's name
        pass   # a request log would bury the build's messages

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        url = urlsplit(self.path)
        if url.path.startswith(LIVE):
            name = url.path[len(LIVE):]
            if name == "events" and not head:
                return self._events(parse_qs(url.query))
            if name in self.server.assets:
                return self._send(HTTPStatus.OK, self.server.assets[name], TYPES[Path(name).suffix], head)
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", TYPES[".txt"], head)
        site = self.server.site
        # Found and read under the lock: a build may add or remove the file.
        with site.reading() as build:
            file = site_file(self.server.out_dir, url.path)
            if file is not None and file.name == "index.html" and not url.path.endswith(("/", "index.html")):
                # A folder's address without its slash: its page's relative links need one.
                return self._redirect(url.path + "/")
            if build == 0:
                body = self.server.waiting.render(errors=site.errors).encode()
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._live(body, 0), TYPES[".html"], head)
            status = HTTPStatus.OK
            if file is None:
                status, file = HTTPStatus.NOT_FOUND, site_file(self.server.out_dir, "/404.html")
                if file is None:
                    return self._send(status, b"not found\n", TYPES[".txt"], head)
            data = file.read_bytes()
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix == ".html":
            data = self._live(data, build)
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
            self.wfile.write(body)

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
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not site.stopping:
                news = site.news(seen, page)
                self.wfile.write(b"data: " + json.dumps(news.as_data()).encode() + b"\n\n")
                self.wfile.flush()
                seen = news.build
                while site.wait(seen, KEEPALIVE_SECONDS) == seen and not site.stopping:
                    self.wfile.write(b": idle\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass   # the page was closed or hidden
