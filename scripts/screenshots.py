"""Screenshots of the example's home page for the README: light, dark, narrow.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds the example (content/ + seeds/) into a temporary folder, opens its
index.html from disk in Debian's Chromium (/usr/bin/chromium, driven by
Playwright; nothing is downloaded) and writes home-light.png and
home-dark.png (1280 x 900) and home-narrow.png (390 x 844), each the first
screen of the page, not the whole page.
"""

from __future__ import annotations

import argparse
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


def build_example(out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "build.py", "build", "--content", "content", "--seeds", "seeds", "--out", str(out),
         "--no-cache"],
        cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout}{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_example(site)
        url = (site / "index.html").as_uri()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for name, scheme, width, height in SHOTS:
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
