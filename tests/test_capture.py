"""`build.py capture` (issue 15), offline: pages written here from the
example's own archived articles, wrapped in the furniture of real news
sites, served by a server on 127.0.0.1, saved as files and put in a web
archive. Each capture's every paragraph is in the page's own words; the
example's own quotes and passages, pointed at the captured text, verify;
what the page states is found and nothing else; every failure writes
nothing."""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
import yaml

from timeline.check.verify import normalise

REPO = Path(__file__).resolve().parent.parent
SOURCES = yaml.safe_load((REPO / "seeds" / "sources.yaml").read_text(encoding="utf-8"))

CLUTTER_TOP = """<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><nav aria-label="Main"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience. By continuing you accept our cookie policy.</p>
<button>Accept all</button><button>Settings</button></div>
<div class="ad ad-leaderboard">Advertisement</div>"""
CLUTTER_IN = """<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>"""
CLUTTER_BOTTOM = """<aside class="related-stories"><h2>Related stories</h2><ul><li><a href="/a">Markets fall as oil rises</a></li>
<li><a href="/b">Ten things to know this week</a></li><li><a href="/c">The weather for the weekend ahead</a></li></ul></aside>
<div class="newsletter-signup"><h2>Get our newsletter</h2><p>The day's news in your inbox every morning, free of charge.</p>
<form><input type="email" placeholder="Your email"><button>Subscribe</button></form></div>
<footer class="site-footer"><p>© 2022 The Publisher. All rights reserved.</p><p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>"""


def article_lines(source_id: str) -> list[str]:
    """The paragraphs of an archived article, but the lines marked as its
    capture's furniture."""
    source = SOURCES[source_id]
    furniture: set[int] = set()
    for item in source.get("furniture", []):
        first, _, last = str(item).partition("-")
        furniture.update(range(int(first), int(last or first) + 1))
    text = (REPO / "seeds" / source["file"]).read_text(encoding="utf-8")
    return [line.strip() for n, line in enumerate(text.splitlines(), 1) if line.strip() and n not in furniture]


def page(source_id: str, head: str = "", body: str | None = None, title: bool = True,
         charset: str = "utf-8") -> str:
    lines = article_lines(source_id)
    body = body if body is not None else "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines[1:])
    headline = f"<h1>{html.escape(lines[0], quote=False)}</h1>" if title else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="{charset}">\n<title>{html.escape(lines[0])} | News</title>\n'
            f"{head}</head><body>\n{CLUTTER_TOP}\n<main id=\"main\"><article>\n{headline}\n"
            f"<p class=\"byline\">By the newsroom</p>\n{CLUTTER_IN}\n{body}\n{CLUTTER_IN}\n</article></main>\n"
            f"{CLUTTER_BOTTOM}\n</body></html>\n")


def json_ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>\n'


def dw_page() -> str:
    """JSON-LD only."""
    return page("dw", json_ld({
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": "Kazakh president orders use of force against protesters",
        "datePublished": "2022-01-07T14:02:00+00:00",
        "publisher": {"@type": "Organization", "name": "DW (Deutsche Welle)"},
        "url": "https://www.dw.com/en/kazakhstan-president-gives-shoot-to-kill-order-against-protesters/a-60354912",
    }))


def caspian_page() -> str:
    """OpenGraph only (and a <meta> author), a picture with its caption and credit."""
    lines = article_lines("dpa-caspian")
    caption = next(line for line in lines if line.endswith("Valery Sharifulin/TASS."))
    parts = []
    for line in lines[1:]:
        if line == caption:
            words = caption[: -len("Valery Sharifulin/TASS.")].rstrip()
            parts.append(f'<figure><img src="/img/almaty.jpg" alt="Security forces in Almaty">'
                         f'<figcaption>{html.escape(words, quote=False)} <span class="credit">Valery Sharifulin/TASS.</span>'
                         f"</figcaption></figure>")
        else:
            parts.append(f"<p>{html.escape(line, quote=False)}</p>")
    head = ('<meta property="og:site_name" content="Caspian Post">\n'
            '<meta property="og:title" content="Kazakh President Issues Shoot-to-Kill Order as Violence Continues">\n'
            '<meta property="article:published_time" content="2022-01-07T09:15:00+04:00">\n'
            '<meta property="og:url" content="https://caspianpost.com/en/post/news/caspian-region/kazakh-president">\n'
            '<meta name="author" content="dpa">\n')
    return page("dpa-caspian", head, "\n".join(parts))


def voa_page() -> str:
    """No metadata at all: not even a <time>."""
    return page("voa")


def courthouse_page() -> str:
    """windows-1252, named only by the HTTP header; entities for quotes and ampersands."""
    def encoded(line: str) -> str:
        text = html.escape(line, quote=False)
        return text.replace("\u201c", "&ldquo;").replace("\u201d", "&rdquo;").replace("\u2019", "&#8217;")
    lines = article_lines("courthouse")
    body = "\n".join(f"<p>{encoded(line)}</p>" for line in lines[1:])
    return page("courthouse", body=body, charset="windows-1252").replace('<meta charset="windows-1252">', "")


def wsj_page() -> str:
    """Its paragraphs as lines of one block, each ended by <br>."""
    lines = article_lines("wsj-unconfirmed")
    body = "<div class=\"story-body\"><p>" + "<br>\n".join(html.escape(line, quote=False) for line in lines[1:]) + "</p></div>"
    return page("wsj-unconfirmed", '<meta property="og:site_name" content="The Wall Street Journal">\n', body)


NOT_ARTICLE = ("<!DOCTYPE html><html><head><title>Sections</title></head><body><nav><ul>"
               + "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30)) + "</ul></nav></body></html>")


REQUESTS: list[dict] = []   # the headers of each request the test server was sent


class _Pages(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        REQUESTS.append(dict(self.headers))
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body><p>Not found</p></body></html>")
            return
        status, headers, body = route
        if status == "hang":
            time.sleep(5)
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    html_type = {"Content-Type": "text/html; charset=utf-8"}
    routes = {
        "/dw": (200, html_type, dw_page().encode("utf-8")),
        "/caspian": (200, html_type, caspian_page().encode("utf-8")),
        "/voa": (200, {"Content-Type": "text/html"}, voa_page().encode("utf-8")),
        "/courthouse": (200, {"Content-Type": "text/html; charset=windows-1252"},
                        courthouse_page().encode("cp1252", errors="xmlcharrefreplace")),
        "/wsj": (200, html_type, wsj_page().encode("utf-8")),
        "/moved": (301, {"Location": "/dw"}, b""),
        "/sections": (200, html_type, NOT_ARTICLE.encode()),
        "/binary": (200, {"Content-Type": "application/octet-stream"}, bytes(range(256)) * 10),
        "/hang": ("hang", {}, b""),
        "/odd-charset": (200, {"Content-Type": "text/html; charset=x-no-such-charset"}, dw_page().encode()),
    }
    handler = type("Pages", (_Pages,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", routes
    server.shutdown()
    server.server_close()


def capture(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run([sys.executable, str(REPO / "build.py"), "capture", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


def page_words(body: bytes, charset: str) -> str:
    text = lxml.html.fromstring(body.decode(charset)).text_content()
    return normalise(" ".join(text.split()))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def swap_in(project: Path, source_id: str, seeds: Path, extra: str = "") -> None:
    """The example, its source `source_id` replaced by the capture in `seeds`."""
    ours = (project / "seeds" / "sources.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = ours.index(f"{source_id}:\n")
    end = next((i for i in range(start + 1, len(ours)) if ours[i][:1] not in (" ", "#", "\n")), len(ours))
    captured = (seeds / "sources.yaml").read_text(encoding="utf-8")
    (project / "seeds" / "sources.yaml").write_text("".join(ours[:start] + ours[end:]) + "\n" + captured + extra,
                                                    encoding="utf-8")
    for name in (f"{source_id}.txt", f"{source_id}.html"):
        (project / "seeds" / name).write_bytes((seeds / name).read_bytes())


def example(tmp_path: Path) -> Path:
    import shutil
    project = tmp_path / "example"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "seeds", project / "seeds")
    return project


CASES = [
    # (route, source id, charset, what the page states, required ones missing, extra YAML the curator adds)
    ("/dw", "dw", "utf-8", {"publisher": "DW (Deutsche Welle)", "published": "2022-01-07",
                            "title": "Kazakh president orders use of force against protesters",
                            "url": "https://www.dw.com/en/kazakhstan-president-gives-shoot-to-kill-order-against-protesters/a-60354912"},
     [], ""),
    ("/caspian", "dpa-caspian", "utf-8", {"publisher": "Caspian Post", "published": "2022-01-07", "author": "dpa",
                                          "url": "https://caspianpost.com/en/post/news/caspian-region/kazakh-president"},
     [], ""),
    ("/voa", "voa", "utf-8", {}, ["publisher", "published"], "  publisher: VOA\n  published: 2022-01-07\n"),
    ("/courthouse", "courthouse", "cp1252", {}, ["publisher", "published"],
     "  publisher: Courthouse News\n  published: 2022-01-07\n"),
    ("/wsj", "wsj-unconfirmed", "utf-8", {"publisher": "The Wall Street Journal"}, ["published"],
     "  published: 2022-01-07\n"),
]


@pytest.mark.parametrize("route, source_id, charset, stated, missing, extra", CASES, ids=[c[0] for c in CASES])
def test_a_captured_article_keeps_its_words_and_its_citations_verify(site, tmp_path, route, source_id, charset,
                                                                    stated, missing, extra):
    base, routes = site
    seeds = tmp_path / "seeds"
    result = capture(base + route, "--id", source_id, "--seeds", seeds, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text_file, page_file = seeds / f"{source_id}.txt", seeds / f"{source_id}.html"
    body = routes[route][2]
    assert page_file.read_bytes() == body, "the page as received"
    data = text_file.read_bytes()
    assert hashlib.sha256(data).hexdigest() in result.stdout and hashlib.sha256(body).hexdigest() in result.stdout
    text = data.decode("utf-8")
    words = page_words(body, charset)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    for paragraph in paragraphs:
        assert normalise(paragraph) in words, f"not the page's own words: {paragraph!r}"
    joined = normalise(" ".join(text.split()))
    for clutter in ("cookies", "Share on Facebook", "Related stories", "newsletter", "Subscribe",
                    "All rights reserved", "Advertisement", "Skip to content", "Business"):
        assert normalise(clutter) not in joined, clutter
    entry = yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8"))[source_id]
    for name, value in stated.items():
        assert str(entry[name]) == value, name
    for name in ("publisher", "published", "author"):
        if name not in stated:
            assert name not in entry, f"{name} is not stated by the page, so not given"
    assert entry["url"] == stated.get("url", base + route), "the canonical address, else the one fetched"
    assert entry["page"] == page_file.name and entry["page_sha256"] == hashlib.sha256(body).hexdigest()
    assert entry["archive"] == "excerpts" and str(entry["captured"]) == time.strftime("%Y-%m-%d")
    for name in missing:
        assert f"not stated: {name} (required" in result.stdout
    # The example's citations of this source, pointed at the capture.
    project = example(tmp_path)
    swap_in(project, source_id, seeds, extra)
    check = subprocess.run([sys.executable, str(REPO / "build.py"), "check"], cwd=project, capture_output=True,
                           text=True, timeout=300)
    assert check.returncode == 0, check.stderr


def test_captions_are_text_and_credits_furniture(site, tmp_path):
    base, _ = site
    result = capture(base + "/caspian", "--id", "caspian", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "seeds" / "caspian.txt").read_text(encoding="utf-8").split("\n")
    caption = next(n for n, line in enumerate(lines, 1) if line.startswith("ALMATY, KAZAKHSTAN - JANUARY 6, 2022"))
    credit = next(n for n, line in enumerate(lines, 1) if line == "Valery Sharifulin/TASS.")
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["caspian"]
    assert entry["furniture"] == [credit] and caption not in entry["furniture"]
    assert lines[0] == "Kazakh President Issues Shoot-to-Kill Order as Violence Continues", "the headline first"


def test_a_redirect_is_followed_and_the_canonical_address_kept(site, tmp_path):
    base, _ = site
    result = capture(base + "/moved", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))
    assert list(data) == ["dw-deutsche-welle-2022-01-07"], "the id: the publisher folded, the published date"
    assert data["dw-deutsche-welle-2022-01-07"]["url"].startswith("https://www.dw.com/")
    again = capture(base + "/dw", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert again.returncode == 0
    assert "dw-deutsche-welle-2022-01-07-2" in yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text())


def test_a_fetch_asks_as_a_browser_asks(site, tmp_path):
    base, _ = site
    REQUESTS.clear()
    assert capture(base + "/dw", "--id", "dw", "--seeds", tmp_path / "seeds", cwd=tmp_path).returncode == 0
    headers = REQUESTS[-1]
    assert headers["User-Agent"].startswith("Mozilla/5.0") and "Chrome/" in headers["User-Agent"]
    assert headers["Accept"].startswith("text/html") and headers["Accept-Language"]


def test_the_address_fetched_is_the_url_when_no_canonical_one_is_stated(site, tmp_path):
    base, _ = site
    assert capture(base + "/voa", "--id", "voa", "--seeds", tmp_path / "seeds", cwd=tmp_path).returncode == 0
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["voa"]
    assert entry["url"] == base + "/voa"


def test_a_saved_page_has_no_address_and_today_as_its_capture(tmp_path):
    saved = tmp_path / "saved.html"
    saved.write_text(voa_page(), encoding="utf-8")
    result = capture(saved, "--id", "voa", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["voa"]
    assert "url" not in entry and str(saved) not in (tmp_path / "seeds" / "sources.yaml").read_text()
    assert "not stated: url" in result.stdout


def warc(path: Path, body: bytes, url: str = "https://www.dw.com/en/a-60354912", when: str = "2022-01-08T10:00:00Z",
         compressed: bool = True) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=compressed)
        writer.write_record(writer.create_warc_record("urn:x", "warcinfo", payload=io.BytesIO(b"software: tests\r\n")))
        request = StatusAndHeaders("GET /en/a-60354912 HTTP/1.1", [("Host", "www.dw.com")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request, payload=io.BytesIO(b""),
                                                      warc_headers_dict={"WARC-Date": when}))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                                      warc_headers_dict={"WARC-Date": when}))
    return path


@pytest.mark.parametrize("compressed", [True, False])
def test_a_web_archive_gives_its_first_html_response_and_its_date(tmp_path, compressed):
    body = voa_page().encode("utf-8")
    archive = warc(tmp_path / ("page.warc.gz" if compressed else "page.warc"), body, compressed=compressed)
    result = capture(archive, "--id", "voa", "--seeds", tmp_path / "seeds", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "seeds" / "voa.html").read_bytes() == body
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["voa"]
    assert str(entry["captured"]) == "2022-01-08" and entry["url"] == "https://www.dw.com/en/a-60354912"


def test_sources_yaml_is_added_to_with_its_bytes_kept(site, tmp_path):
    base, _ = site
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    before = b"# Our sources.\n\nold:   # a comment kept\n  file: old.txt\n  publisher: Old\n  title: Old\n  published: 2020-01-01\n"
    (seeds / "sources.yaml").write_bytes(before)
    assert capture(base + "/dw", "--id", "dw", "--seeds", seeds, cwd=tmp_path).returncode == 0
    after = (seeds / "sources.yaml").read_bytes()
    assert after.startswith(before) and list(yaml.safe_load(after)) == ["old", "dw"]


@pytest.mark.parametrize("route, words", [
    ("/missing", "HTTP 404"),
    ("/hang", "no answer within 1 s"),
    ("/binary", "not an HTML page"),
    ("/sections", "no article text found"),
    ("/odd-charset", "unknown charset"),
])
def test_a_failed_capture_is_one_error_and_writes_nothing(site, tmp_path, route, words):
    base, _ = site
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text("# kept\n", encoding="utf-8")
    before = tree(seeds)
    result = capture(base + route, "--seeds", seeds, "--timeout", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("build.py: error: ") and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert tree(seeds) == before


def test_a_taken_id_a_file_that_is_not_a_page_and_a_missing_file_are_errors(site, tmp_path):
    base, _ = site
    seeds = tmp_path / "seeds"
    assert capture(base + "/dw", "--id", "dw", "--seeds", seeds, cwd=tmp_path).returncode == 0
    before = tree(seeds)
    for args, words in ((["/dw", "--id", "dw"], "is taken"),):
        result = capture(base + args[0], *args[1:], "--seeds", seeds, cwd=tmp_path)
        assert result.returncode == 1 and words in result.stderr
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert "not an HTML page" in capture(binary, "--seeds", seeds, cwd=tmp_path).stderr
    assert "no such file" in capture(tmp_path / "nope.html", "--seeds", seeds, cwd=tmp_path).stderr
    assert tree(seeds) == before


def test_json_ld_is_trusted_before_opengraph_and_meta_and_a_time_last(tmp_path):
    head = (json_ld({"@context": "https://schema.org", "@graph": [
                {"@type": "WebPage", "name": "A page"},
                {"@type": "NewsArticle", "headline": "From JSON-LD", "datePublished": "2022-01-07",
                 "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Jon Berg"}],
                 "publisher": {"name": "LD News"}}]})
            + '<meta property="og:site_name" content="OG News"><meta property="og:title" content="From OG">'
            + '<meta property="article:published_time" content="2021-05-05T10:00:00Z">'
            + '<meta name="author" content="Somebody Else"><link rel="canonical" href="https://example.org/story">')
    saved = tmp_path / "both.html"
    saved.write_text(page("voa", head), encoding="utf-8")
    assert capture(saved, "--id", "both", "--seeds", tmp_path / "seeds", cwd=tmp_path).returncode == 0
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["both"]
    assert (entry["publisher"], entry["title"], str(entry["published"]), entry["author"], entry["url"]) == (
        "LD News", "From JSON-LD", "2022-01-07", "Ana Ruiz, Jon Berg", "https://example.org/story")
    timed = tmp_path / "timed.html"
    body = '<p class="dateline"><time datetime="2022-01-09T08:00:00+06:00">9 January</time></p>' + "".join(
        f"<p>{html.escape(line, quote=False)}</p>" for line in article_lines("voa")[1:])
    timed.write_text(page("voa", body=body), encoding="utf-8")
    assert capture(timed, "--id", "timed", "--seeds", tmp_path / "seeds", cwd=tmp_path).returncode == 0
    entry = yaml.safe_load((tmp_path / "seeds" / "sources.yaml").read_text(encoding="utf-8"))["timed"]
    assert str(entry["published"]) == "2022-01-09"


def test_a_charset_named_by_the_meta_tag_or_only_by_the_bytes(tmp_path):
    text = courthouse_page()
    for name, data in (("meta.html", text.replace("<head>", '<head><meta charset="windows-1252">', 1)
                        .encode("cp1252", errors="xmlcharrefreplace")),
                       ("bare.html", text.encode("cp1252", errors="xmlcharrefreplace"))):
        saved = tmp_path / name
        saved.write_bytes(data)
        result = capture(saved, "--seeds", tmp_path / name.split(".")[0], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        captured = next((tmp_path / name.split(".")[0]).glob("*.txt")).read_text(encoding="utf-8")
        assert "\u201c" in captured or "\u2019" in captured, "quotation marks decoded, not mojibake"
        assert "\u00e2\u20ac" not in captured
        words = page_words(data, "cp1252")
        assert all(normalise(p) in words for p in captured.split("\n\n") if p.strip())


def test_standfirst_headings_and_block_quotes_are_kept_in_order(tmp_path):
    lines = article_lines("voa")
    body = (f'<p class="standfirst">{html.escape(lines[1], quote=False)}</p>\n<h2>What was said</h2>\n'
            f"<blockquote><p>{html.escape(lines[2], quote=False)}</p></blockquote>\n"
            + "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines[3:]))
    saved = tmp_path / "shaped.html"
    saved.write_text(page("voa", body=body), encoding="utf-8")
    assert capture(saved, "--id", "shaped", "--seeds", tmp_path / "seeds", cwd=tmp_path).returncode == 0
    paragraphs = (tmp_path / "seeds" / "shaped.txt").read_text(encoding="utf-8").split("\n\n")
    assert paragraphs[:4] == [lines[0], lines[1], "What was said", lines[2]]
