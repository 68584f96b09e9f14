"""Screenshots of the example's home page for the README: light, dark, narrow.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only home|languages]

Builds the example (content/ + seeds/) into a temporary folder, opens its
index.html from disk in Debian's Chromium (/usr/bin/chromium, driven by
Playwright; nothing is downloaded) and writes home-light.png and
home-dark.png (1280 x 900) and home-narrow.png (390 x 844), each the first
screen of the page, not the whole page. For the README's Languages
section it also builds the example in Arabic and in Russian (the same
content, the site's own words, dates and direction in the language) and
writes entry-ar.png and home-ru.png.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SHOTS = [
    # file name, color scheme, width, height
    ("home-light.png", "light", 1280, 900),
    ("home-dark.png", "dark", 1280, 900),
    ("home-narrow.png", "light", 390, 844),
]
LANGUAGE_SHOTS = [
    # file name, language, page, width, height
    ("entry-ar.png", "ar", "entries/2022-01-07-shoot-to-kill-order.html", 1280, 900),
    ("home-ru.png", "ru", "index.html", 1280, 900),
]


def build_example(out: Path, language: str | None = None) -> None:
    content = REPO / "content"
    if language is not None:
        content = out.parent / f"content-{language}"
        shutil.copytree(REPO / "content", content)
        index = content / "_index.md"
        text = re.sub(r"^language: .*\n", "", index.read_text("utf-8"), flags=re.M)
        index.write_text(text.replace("---\n", f"---\nlanguage: {language}\n", 1), "utf-8")
    proc = subprocess.run(
        [sys.executable, "build.py", "build", "--content", str(content), "--seeds", "seeds", "--out", str(out),
         "--no-cache"],
        cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout}{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", choices=("home", "languages"), help="make only these screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_example(site)
        url = (site / "index.html").as_uri()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for name, language, page_path, width, height in LANGUAGE_SHOTS if args.only != "home" else []:
                    built = Path(tmp) / f"site-{language}"
                    build_example(built, language)
                    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                    context.route(lambda u: not u.startswith(("file:", "data:", "about:")), lambda r: r.abort())
                    page = context.new_page()
                    page.goto((built / page_path).as_uri(), wait_until="load")
                    page.screenshot(path=str(args.out / name), full_page=False)
                    context.close()
                    print(args.out / name)
                for name, scheme, width, height in SHOTS if args.only != "languages" else []:
                    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height},
                                                  device_scale_factor=1)
                    # Nothing from another host (there should be nothing to block).
                    context.route(lambda u: not u.startswith(("file:", "data:", "about:")), lambda r: r.abort())
                    page = context.new_page()
                    page.goto(url, wait_until="load")
                    page.screenshot(path=str(args.out / name), full_page=False)
                    context.close()
                    print(args.out / name)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
