"""Write the site: nothing touches the output folder until every page is
rendered; then changed files are moved into place and stale ones removed.
Unchanged files are left as they are (their times too)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .render import Page


def static_pages(static_dir: Path | None) -> list[Page]:
    """Every file under static/, to be copied to site/static/."""
    pages: list[Page] = []
    if static_dir is None or not static_dir.is_dir():
        return pages
    for folder, dirs, files in os.walk(static_dir):
        dirs.sort()
        for name in sorted(files):
            full = Path(folder) / name
            rel = full.relative_to(static_dir).as_posix()
            pages.append(Page(f"static/{rel}", full.read_bytes()))
    return pages


def write_site(out_dir: Path, pages: list[Page]) -> tuple[int, int]:
    """Bring out_dir to exactly `pages`. Returns (written, removed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir.parent))
    try:
        changed: list[str] = []
        for page in pages:
            target = out_dir / page.path
            if _same(target, page.data):
                continue
            staged = staging / page.path
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(page.data)
            changed.append(page.path)
        # Everything is rendered and staged: now change the site.
        for rel in changed:
            target = out_dir / rel
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        removed = _remove_stale(out_dir, {p.path for p in pages})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(changed), removed


def _same(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def _remove_stale(out_dir: Path, keep: set[str]) -> int:
    removed = 0
    for folder, dirs, files in os.walk(out_dir, topdown=False):
        for name in files:
            full = Path(folder) / name
            if full.relative_to(out_dir).as_posix() not in keep:
                full.unlink()
                removed += 1
        for name in dirs:
            full = Path(folder) / name
            if full.is_symlink():
                full.unlink()
            elif not any(full.iterdir()):
                full.rmdir()
    return removed
