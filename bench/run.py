#!/usr/bin/env python3
"""Benchmark: our build against Hugo on the same synthetic timeline.

    python bench/run.py [--sizes 1000,10000,50000] [--no-hugo] [--repeat R]
                        [--python PATH] [--project DIR] [--seed S]
                        [--workdir DIR] [--keep] [--json FILE]

For each size: generate the timeline (bench/synth.py) and the same entries as a
Hugo site, run `build.py check` once, then R times, alternately:
  (a) our cold build: empty cache, empty output folder
  (b) Hugo's build of the same entries: empty output folder
  (c) our rebuild after appending a sentence to one entry (same cache and
      output), checking that entries/SLUG.html really changed
  (d) our no-op rebuild (nothing changed)
Each run is measured in a fresh helper process: wall time around the command,
getrusage(RUSAGE_CHILDREN).ru_maxrss (the peak RSS of the largest single
process of the tree, not a sum), and a sampled sum of PSS over the process
tree (/proc, every --sample-interval seconds).  Medians over the repeats are
printed as a table.  See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


# --------------------------------------------------------------------------
# The measuring helper: `run.py --_measure SPEC_JSON` (a fresh process per run,
# so RUSAGE_CHILDREN covers exactly the one command and its descendants)

def _descendants(root: int) -> list[int]:
    parent: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        rest = data[data.rfind(b")") + 2:].split()
        if len(rest) > 1:
            parent.setdefault(int(rest[1]), []).append(int(name))
    out, i = [root], 0
    while i < len(out):
        out.extend(parent.get(out[i], ()))
        i += 1
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


def _rss_kb(pid: int) -> int:
    """Resident set size: pages shared by forked workers count once per process."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _measure(spec: dict) -> dict:
    interval = spec.get("interval", 0.25)
    with open(spec["stdout"], "wb") as out, open(spec["stderr"], "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(spec["cmd"], cwd=spec.get("cwd"), stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        peak = [0, 0]   # summed PSS, summed RSS
        done = threading.Event()

        def sample() -> None:
            while not done.wait(interval):
                try:
                    pids = _descendants(proc.pid)
                    total, rss = sum(_pss_kb(p) for p in pids), sum(_rss_kb(p) for p in pids)
                except Exception:
                    continue
                peak[0], peak[1] = max(peak[0], total), max(peak[1], rss)

        th = None
        if interval and os.path.isdir("/proc"):
            th = threading.Thread(target=sample, daemon=True)
            th.start()
        try:
            rc = proc.wait(timeout=spec.get("timeout"))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = "timeout"
        wall = time.perf_counter() - t0
        done.set()
        if th:
            th.join()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rc": rc, "wall": wall, "maxrss_mb": ru.ru_maxrss / 1024,
            "tree_pss_mb": peak[0] / 1024, "tree_rss_mb": peak[1] / 1024, "user": ru.ru_utime, "sys": ru.ru_stime}


def measure(cmd: list[str], cwd: str, logbase: str, interval: float, timeout: float) -> dict:
    spec = {"cmd": cmd, "cwd": cwd, "stdout": logbase + ".out", "stderr": logbase + ".err",
            "interval": interval, "timeout": timeout}
    res = subprocess.run([sys.executable, os.path.abspath(__file__), "--_measure", json.dumps(spec)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"measuring helper failed: {res.stderr}")
    r = json.loads(res.stdout)
    r["stdout"], r["stderr"] = spec["stdout"], spec["stderr"]
    return r


# --------------------------------------------------------------------------

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def tail(path: str, n: int = 20) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ""
    more = f"\n    ... ({len(lines) - n} more lines in {path})" if len(lines) > n else ""
    return "\n".join("    " + l for l in lines[:n]) + more


def snapshot(root: str) -> dict[str, int]:
    """Relative path -> mtime_ns of every file under root."""
    out = {}
    for dp, _dn, fn in os.walk(root):
        for name in fn:
            p = os.path.join(dp, name)
            try:
                out[os.path.relpath(p, root)] = os.stat(p).st_mtime_ns
            except OSError:
                pass
    return out


def rmtree(p: str) -> None:
    if os.path.lexists(p):
        shutil.rmtree(p)


def set_aside(p: str, trash: str | None) -> None:
    """Out of the way of the next build: moved into `trash`, deleted when
    the run is over; or deleted now if trash is None
    (--delete-before). On ext4 without a journal (this machine's disk),
    a file made within a minute of many deletions costs up to 0.5 ms
    more, and which build pays for it depends on where the freed inodes
    lie (bench/make_files.py; Hugo's 1,000-entry build took 1.2 s instead
    of 0.7 s right after its last site was deleted): moved, the deleted
    sites weigh on no build."""
    if trash is None:
        rmtree(p)
    elif os.path.lexists(p):
        os.makedirs(trash, exist_ok=True)
        os.rename(p, os.path.join(trash, str(len(os.listdir(trash)))))


def kept_tree(out: str) -> str:
    """The tree a quick rebuild keeps beside the site `out` (Project.spare:
    `.NAME.spare`), which a full build removes."""
    return os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.spare")


def set_aside_folder(work: str, args) -> str | None:
    """Where set_aside moves what is out of the way: one folder for the
    whole run, deleted at its end, so that no size's first round pays for
    the last size's sites either."""
    return None if args.delete_before else os.path.join(work, "set-aside")


def settle() -> None:
    """Before a timed build: let the file system finish the work that
    deleting the last build's 10,000 files left pending (the journal, and
    discards on this disk), so that it is not counted in the next build,
    ours or Hugo's, as it was at random."""
    os.sync()


def entry_files(content: str) -> list[str]:
    files = []
    for dp, dn, fn in os.walk(content):
        dn[:] = sorted(d for d in dn if not d.startswith(("_", ".")))
        files += [os.path.join(dp, f) for f in sorted(fn)
                  if f.endswith(".md") and not f.startswith(("_", "."))]
    return files


def search_files(site: str) -> dict[str, int]:
    """Sizes of search files: names containing 'search' at the top of the site
    or under site/static/, and any .json under site/static/."""
    out = {}
    for folder in (site, os.path.join(site, "static")):
        if not os.path.isdir(folder):
            continue
        for f in sorted(os.listdir(folder)):
            p = os.path.join(folder, f)
            if os.path.isfile(p) and ("search" in f.lower()
                                      or (folder != site and f.endswith(".json"))):
                out[os.path.relpath(p, site)] = os.path.getsize(p)
    return out


SNAPSHOT_SKIP = (".git", ".venv", "venv", "site", ".cache", "__pycache__", "tests", "docs",
                 "bench", "content", "seeds", "node_modules", ".pytest_cache", "*.pyc")


def snapshot_project(project: str, dest: str, python: str) -> str:
    """Copy the program (build.py, its package, templates/, static/, ...) so that
    edits made to the working tree during a long run do not mix versions.

    Its modules are compiled once, as installing a program compiles them:
    under PYTHONDONTWRITEBYTECODE (set on some machines) every run would
    otherwise compile them again, a cost no installed copy pays."""
    rmtree(dest)
    shutil.copytree(project, dest, symlinks=True, ignore=shutil.ignore_patterns(*SNAPSHOT_SKIP))
    subprocess.run([python, "-m", "compileall", "-q", dest], check=True)
    return dest


_ASSET = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*\shref|img[^>]*\ssrc)\s*=\s*["']([^"'#?]+)""",
                    re.I)


def page_weight(site: str, page: str) -> tuple[int, dict[str, int]]:
    """Bytes of a page plus the local scripts, style sheets and images it loads
    (links of <link> other than style sheets, e.g. the feed, are left out)."""
    path = os.path.join(site, page)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    assets: dict[str, int] = {}
    for m in _ASSET.finditer(text):
        tag = text[m.start():m.end()]
        if tag.lower().startswith("<link") and "stylesheet" not in tag.lower():
            continue
        ref = m.group(1)
        if "://" in ref or ref.startswith("//") or ref.startswith("data:"):
            continue
        p = os.path.normpath(os.path.join(os.path.dirname(path), ref))
        if os.path.isfile(p):
            assets[os.path.relpath(p, site)] = os.path.getsize(p)
    return os.path.getsize(path), assets


def probe_build(python: str, project: str) -> tuple[bool, bool, str]:
    """(usable, supports --cache, message)"""
    build = os.path.join(project, "build.py")
    if not os.path.isfile(build):
        return False, False, f"{build} does not exist"
    try:
        r = subprocess.run([python, build, "--help"], cwd=project, capture_output=True,
                           text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, False, f"`{python} build.py --help` failed: {e}"
    text = r.stdout + r.stderr
    if r.returncode != 0:
        return False, False, f"`build.py --help` exited {r.returncode}:\n{text[-2000:]}"
    return True, "--cache" in text, ""


def fmt(v, spec: str = ".2f", none: str = "-") -> str:
    if v is None:
        return none
    return format(v, spec)


def med(rows: list[dict], key: str):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def run_size(n: int, args, work: str, python: str, project: str, hugo: str | None,
             ours_ok: bool, has_cache: bool) -> dict:
    import synth

    d = os.path.join(work, f"n{n}")
    rmtree(d)
    os.makedirs(d)
    hugo_dir = os.path.join(d, "hugo") if hugo else None
    same_dir = os.path.join(d, "hugo-same") if hugo else None
    t0 = time.perf_counter()
    synth.generate(n, d, seed=args.seed, hugo=hugo_dir, hugo_same=same_dir)
    log(f"[{n}] generated in {time.perf_counter() - t0:.1f}s: {d}")
    content, seeds = os.path.join(d, "content"), os.path.join(d, "seeds")
    out, cache = os.path.join(d, "site"), os.path.join(d, "cache")
    hout = os.path.join(d, "hugo-public")
    trash = set_aside_folder(work, args)
    sout = os.path.join(d, "hugo-same-public")
    logs = os.path.join(d, "logs")
    os.makedirs(logs)
    build = os.path.join(project, "build.py")
    base = [python, build, "--content", content, "--seeds", seeds]
    cmd = base + ["--out", out] + (["--cache", cache] if has_cache else [])
    res: dict = {"size": n, "runs": [], "notes": []}

    if ours_ok:
        r = measure([python, build, "check", "--content", content, "--seeds", seeds],
                    project, os.path.join(logs, "check"), 0, args.timeout)
        res["check_s"] = r["wall"]
        if r["rc"] != 0:
            msg = f"`build.py check` exited {r['rc']} on the synthetic content:\n{tail(r['stderr'])}"
            log(f"[{n}] {msg}")
            res["notes"].append(msg)
        else:
            log(f"[{n}] build.py check: ok in {r['wall']:.2f}s")

    files = entry_files(content)

    def edit_rebuilds(row: dict, rep: int) -> None:
        """(c) and (d), right after our cold build: as a curator's edit
        follows their build, not another program's deletion of its last
        site (on this disk, a file made within a minute of many deletions
        costs up to 0.5 ms more: bench/make_files.py)."""
        if ours_ok and "cold_s" in row:
            # (c) edit one entry, rebuild with the same cache and output
            path = files[(len(files) // 2 + 7919 * rep) % len(files)]
            slug = os.path.basename(path)[:-3]
            page = os.path.join(out, "entries", slug + ".html")
            before = open(page, "rb").read() if os.path.exists(page) else None
            if before is None:
                res["notes"].append(f"{page} does not exist after the cold build")
            marker = f"Benchmarkedit{rep}x{n}"
            snap0 = snapshot(out)
            with open(path, "a", encoding="utf-8", newline="\n") as f:
                f.write(f"\nA sentence added by the benchmark: {marker}.\n")
            r = measure(cmd, project, os.path.join(logs, f"edit{rep}"), args.sample_interval,
                        args.timeout)
            if r["rc"] != 0:
                res["notes"].append(f"edit rebuild exited {r['rc']}:\n{tail(r['stderr'])}")
            else:
                after = open(page, "rb").read() if os.path.exists(page) else None
                changed = after is not None and after != before
                has_marker = after is not None and marker.encode() in after
                snap1 = snapshot(out)
                rewritten_list = sorted(k for k, v in snap1.items() if snap0.get(k) != v)
                rewritten = len(rewritten_list)
                row.update(edit_s=r["wall"], edit_rss=r["maxrss_mb"], edit_changed=changed,
                           edit_marker=has_marker, edit_rewritten=rewritten, edit_slug=slug)
                log(f"[{n}] rep {rep}: ours edit rebuild {r['wall']:.2f}s "
                    f"(entries/{slug}.html changed: {changed}, holds the new sentence: "
                    f"{has_marker}; {rewritten} output files written: "
                    f"{', '.join(rewritten_list[:6])}{' ...' if rewritten > 6 else ''})")
                if not (changed and has_marker):
                    res["notes"].append(f"edit rebuild did NOT update entries/{slug}.html")
                # (d) no-op rebuild
                r = measure(cmd, project, os.path.join(logs, f"noop{rep}"), args.sample_interval,
                            args.timeout)
                if r["rc"] != 0:
                    res["notes"].append(f"no-op rebuild exited {r['rc']}:\n{tail(r['stderr'])}")
                else:
                    snap2 = snapshot(out)
                    touched_list = sorted(k for k, v in snap2.items() if snap1.get(k) != v)
                    touched = len(touched_list)
                    row.update(noop_s=r["wall"], noop_touched=touched)
                    log(f"[{n}] rep {rep}: ours no-op rebuild {r['wall']:.2f}s "
                        f"({touched} output files written"
                        f"{': ' + ', '.join(touched_list[:6]) if touched else ''}"
                        f"{' ...' if touched > 6 else ''})")
                # (e) another entry edited: made from the tree the first edit
                # swapped out and kept (.site.spare), as edits in a row are
                path = files[(len(files) // 3 + 7919 * rep) % len(files)]
                page = os.path.join(out, "entries", os.path.basename(path)[:-3] + ".html")
                marker = f"Benchmarkagain{rep}x{n}"
                with open(path, "a", encoding="utf-8", newline="\n") as f:
                    f.write(f"\nA sentence added by the benchmark: {marker}.\n")
                r = measure(cmd, project, os.path.join(logs, f"again{rep}"), args.sample_interval, args.timeout)
                shown = os.path.exists(page) and marker.encode() in open(page, "rb").read()
                if r["rc"] != 0 or not shown:
                    res["notes"].append(f"second edit rebuild exited {r['rc']}, page updated: {shown}")
                else:
                    row.update(edit2_s=r["wall"])
                    log(f"[{n}] rep {rep}: ours second edit rebuild {r['wall']:.2f}s (from the kept tree)")

    for rep in range(args.repeat):
        row: dict = {}
        # Whichever build comes first in a round is slower, ours and Hugo's
        # alike (by 10 to 25 % here): the order turns each round, so that
        # with --repeat a multiple of 3 each goes first as often.
        builders = ["ours", "hugo", "hugo_same"]
        order = builders[rep % 3:] + builders[:rep % 3]
        for who in order:
            if who == "ours" and ours_ok:
                # A cold build: no site, no cache, and no tree kept from the
                # last quick rebuild (`.site.spare`, which a full build removes).
                for left in (out, cache, kept_tree(out)):
                    set_aside(left, trash)
                settle()
                r = measure(cmd, project, os.path.join(logs, f"cold{rep}"), args.sample_interval,
                            args.timeout)
                if r["rc"] != 0:
                    msg = f"cold build exited {r['rc']}:\n{tail(r['stderr'])}"
                    log(f"[{n}] {msg}")
                    res["notes"].append(msg)
                    continue
                row.update(cold_s=r["wall"], cold_rss=r["maxrss_mb"], cold_tree=r["tree_pss_mb"],
                           cold_tree_rss=r["tree_rss_mb"], cold_cpu=r["user"] + r["sys"])
                log(f"[{n}] rep {rep}: ours cold {r['wall']:.2f}s, max process RSS "
                    f"{r['maxrss_mb']:.0f} MB, tree PSS {r['tree_pss_mb']:.0f} MB, RSS {r['tree_rss_mb']:.0f} MB, "
                    f"CPU {r['user'] + r['sys']:.1f}s (system {r['sys']:.1f}s)")
                edit_rebuilds(row, rep)
            elif who in ("hugo", "hugo_same") and hugo:
                # Hugo's site of the pages alone (hugo_s: the peer), and
                # of the same kinds of files as ours (hugo_same_s: synth.write_hugo).
                src, dest = (hugo_dir, hout) if who == "hugo" else (same_dir, sout)
                set_aside(dest, trash)
                settle()
                r = measure([hugo, "--quiet", "-s", src, "-d", dest,
                             "--cacheDir", os.path.join(d, f"{who}-cache")],
                            d, os.path.join(logs, f"{who}{rep}"), args.sample_interval, args.timeout)
                if r["rc"] != 0:
                    msg = f"{who} exited {r['rc']}:\n{tail(r['stderr'])}"
                    log(f"[{n}] {msg}")
                    res["notes"].append(msg)
                    continue
                row.update({f"{who}_s": r["wall"], f"{who}_rss": r["maxrss_mb"], f"{who}_cpu": r["user"] + r["sys"]})
                log(f"[{n}] rep {rep}: {who} {r['wall']:.2f}s, RSS {r['maxrss_mb']:.0f} MB, "
                    f"CPU {r['user'] + r['sys']:.1f}s (system {r['sys']:.1f}s)")

        res["runs"].append(row)

    if ours_ok and os.path.exists(os.path.join(out, "index.html")):
        res["home_bytes"], res["home_assets"] = page_weight(out, "index.html")
        res["search"] = search_files(out)
        tj = os.path.join(out, "timeline.json")
        res["timeline_json_bytes"] = os.path.getsize(tj) if os.path.exists(tj) else None
        res["site_files"] = sum(len(fn) for _dp, _dn, fn in os.walk(out))
    if hugo and os.path.exists(os.path.join(hout, "index.html")):
        res["hugo_home_bytes"] = os.path.getsize(os.path.join(hout, "index.html"))
        res["hugo_files"] = sum(len(fn) for _dp, _dn, fn in os.walk(hout))
    if hugo and os.path.exists(os.path.join(sout, "index.html")):
        res["hugo_same_files"] = sum(len(fn) for _dp, _dn, fn in os.walk(sout))

    rows = res["runs"]
    for k in ("cold_s", "cold_rss", "cold_tree", "cold_tree_rss", "cold_cpu", "hugo_s", "hugo_rss", "hugo_cpu",
              "hugo_same_s", "hugo_same_cpu", "edit_s", "edit2_s", "noop_s", "edit_rewritten", "noop_touched"):
        res[k] = med(rows, k)
    if not args.keep:
        set_aside(d, trash)
    return res


def print_table(results: list[dict], has_hugo: bool) -> None:
    hdr = ["entries", "cold s", "entries/s", "peak MB", "tree MB", "tree RSS MB", "CPU s", "hugo s", "hugo MB",
           "ours/hugo", "hugo same s", "ours/same", "edit s", "edit/hugo", "edit again s", "no-op s",
           "home KB", "+assets KB", "search KB"]
    rows = []
    for r in results:
        n = r["size"]
        cold, hs, edit = r.get("cold_s"), r.get("hugo_s"), r.get("edit_s")
        search = r.get("search") or {}
        rows.append([
            f"{n:,}", fmt(cold), fmt(n / cold if cold else None, ",.0f"),
            fmt(r.get("cold_rss"), ".0f"), fmt(r.get("cold_tree"), ".0f"), fmt(r.get("cold_tree_rss"), ".0f"),
            fmt(r.get("cold_cpu"), ".1f"),
            fmt(hs), fmt(r.get("hugo_rss"), ".0f"),
            fmt(cold / hs if cold and hs else None), fmt(r.get("hugo_same_s")),
            fmt(cold / r["hugo_same_s"] if cold and r.get("hugo_same_s") else None), fmt(edit),
            fmt(edit / hs if edit and hs else None, ".3f"), fmt(r.get("edit2_s")), fmt(r.get("noop_s")),
            fmt(r["home_bytes"] / 1024 if r.get("home_bytes") else None, ".1f"),
            fmt((r["home_bytes"] + sum(r.get("home_assets", {}).values())) / 1024
                if r.get("home_bytes") else None, ".1f"),
            fmt(max(search.values()) / 1024 if search else None, ".1f"),
        ])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(hdr)]
    line = "  ".join(h.rjust(w) for h, w in zip(hdr, widths))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    print()
    print("peak MB: ru_maxrss of the largest single process of our build (RUSAGE_CHILDREN;")
    print("  with a process pool this is the biggest one process, not a sum).")
    print("tree MB: peak of the summed PSS of the whole process tree, sampled from /proc;")
    print("  tree RSS MB: the same of RSS, which counts a page the forked workers share once per process.")
    print("CPU s: user+sys of the build and its reaped children. Figures are medians over repeats.")
    print("hugo s: Hugo's build of the entries' pages alone (the issue's peer); hugo same s: of the same")
    print("  kinds of files as ours (month and source pages, quotes, a search index, the exports; bench/synth.py).")
    print("edit s: one entry edited right after the cold build; edit again s: another, from the tree the")
    print("  first swapped out and kept (.site.spare), as edits in a row are.")
    print("+assets KB: site/index.html plus the local scripts, style sheets and images it loads.")
    print("search KB: the largest file named *search* in site/ or site/static/ (each is listed below).")

    by = {r["size"]: r for r in results}
    if 10000 in by and 50000 in by and by[10000].get("cold_s") and by[50000].get("cold_s"):
        ratio = by[50000]["cold_s"] / by[10000]["cold_s"]
        print(f"50k/10k cold time ratio: {ratio:.2f} (target <= 5.5: "
              f"{'ok' if ratio <= 5.5 else 'MISSED'})")
    r10 = by.get(10000)
    if r10 and r10.get("cold_s"):
        checks = []
        if r10.get("hugo_s"):
            checks.append(("cold ours/hugo <= 1.0", r10["cold_s"] / r10["hugo_s"] <= 1.0))
            if r10.get("hugo_same_s"):
                checks.append(("cold ours/hugo of the same kinds of files <= 1.0",
                               r10["cold_s"] / r10["hugo_same_s"] <= 1.0))
            if r10.get("edit_s"):
                checks.append(("edit rebuild <= 0.1 x hugo", r10["edit_s"] / r10["hugo_s"] <= 0.1))
        if r10.get("cold_rss") is not None:
            checks.append(("peak single-process RSS <= 1024 MB", r10["cold_rss"] <= 1024))
        if r10.get("cold_tree"):
            checks.append(("peak tree PSS <= 1024 MB", r10["cold_tree"] <= 1024))
        if r10.get("cold_tree_rss"):
            checks.append(("peak tree RSS <= 1024 MB", r10["cold_tree_rss"] <= 1024))
        for name, ok in checks:
            print(f"10k target {name}: {'ok' if ok else 'MISSED'}")
    for r in results:
        n = r["size"]
        extra = []
        if r.get("check_s") is not None:
            extra.append(f"check {r['check_s']:.2f}s")
        if r.get("home_bytes") is not None:
            extra.append(f"site/index.html {r['home_bytes']:,} B")
        if r.get("home_assets"):
            extra.append("index.html loads " + ", ".join(
                f"{k} {v:,} B" for k, v in sorted(r["home_assets"].items())))
        if r.get("timeline_json_bytes"):
            extra.append(f"timeline.json {r['timeline_json_bytes']:,} B")
        for k, v in sorted((r.get("search") or {}).items()):
            extra.append(f"{k} {v:,} B")
        if r.get("search") == {}:
            extra.append("no search file in site/ or site/static/")
        if r.get("site_files"):
            extra.append(f"{r['site_files']:,} files")
        if r.get("edit_rewritten") is not None:
            extra.append(f"edit rewrote {r['edit_rewritten']:.0f} files")
        if r.get("noop_touched") is not None:
            extra.append(f"no-op rewrote {r['noop_touched']:.0f} files")
        if r.get("hugo_home_bytes"):
            extra.append(f"hugo index.html {r['hugo_home_bytes']:,} B, {r.get('hugo_files', 0):,} files")
        if r.get("hugo_same_files"):
            extra.append(f"hugo (same kinds of files) {r['hugo_same_files']:,} files")
        if extra:
            print(f"[{n:,}] " + "; ".join(extra))
        for note in r["notes"]:
            print(f"[{n:,}] NOTE: {note}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_measure"]:
        print(json.dumps(_measure(json.loads(argv[1]))))
        return 0
    ap = argparse.ArgumentParser(description="Benchmark build.py against Hugo on synthetic timelines.")
    ap.add_argument("--sizes", default="1000,10000,50000",
                    help="comma-separated entry counts (default 1000,10000,50000)")
    ap.add_argument("--no-hugo", action="store_true", help="do not build with Hugo")
    ap.add_argument("--delete-before", action="store_true",
                    help="delete the last site right before each cold build (by default it is moved aside "
                         "and deleted once the run is over: set_aside; this needs the disk space of every "
                         "round's sites)")
    ap.add_argument("--no-ours", action="store_true", help="do not run build.py (Hugo only)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (medians are shown)")
    ap.add_argument("--python", default=sys.executable,
                    help="the Python that runs build.py (default: this one)")
    ap.add_argument("--project", default=os.path.dirname(HERE),
                    help="folder holding build.py (default: the repo root)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic timeline")
    ap.add_argument("--workdir", help="where to generate (default: a new temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated projects and sites")
    ap.add_argument("--json", metavar="FILE", help="also write the raw results as JSON")
    ap.add_argument("--sample-interval", type=float, default=0.25,
                    help="seconds between process-tree memory samples (0: off)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed for one run")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run build.py in the project itself instead of a copy taken at the start")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes comma-separated integers")
    if not sizes or any(s < 1 for s in sizes) or args.repeat < 1:
        ap.error("sizes and --repeat must be positive")
    if args.repeat > 1 and args.repeat % 3 and not (args.no_hugo or args.no_ours):
        print(f"note: --repeat {args.repeat} is not a multiple of 3: the three builds of a round (ours, Hugo's "
              "two) do not each go first as often, and the first build of a round is the slower", file=sys.stderr)

    project = os.path.abspath(args.project)
    python = args.python
    hugo = None
    if not args.no_hugo:
        hugo = shutil.which("hugo")
        if hugo is None:
            log("hugo not found on PATH: continuing without it (install Debian's package with "
                "`apt-get install -y hugo`, or pass --no-hugo to silence this)")
        else:
            v = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
            log(f"hugo: {v}")
    work = args.workdir or tempfile.mkdtemp(prefix="timeline-bench-")
    os.makedirs(work, exist_ok=True)
    ours_ok, has_cache = False, False
    if not args.no_ours and not args.no_snapshot and os.path.isfile(os.path.join(project, "build.py")):
        src = project
        project = snapshot_project(project, os.path.join(work, "program"), python)
        log(f"build.py and its package copied from {src} to {project}")
    if not args.no_ours:
        ours_ok, has_cache, why = probe_build(python, project)
        if not ours_ok:
            log(f"our build cannot run: {why}\ncontinuing without it")
        else:
            log(f"build.py: {python} {project}/build.py "
                f"({'with --cache' if has_cache else 'no --cache option: cache flags omitted'})")
    if not ours_ok and not hugo:
        log("nothing to run")
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        return 2

    results = []
    try:
        for n in sizes:
            results.append(run_size(n, args, work, python, project, hugo, ours_ok, has_cache))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.keep and (trash := set_aside_folder(work, args)) is not None:
            rmtree(trash)
    print()
    print(f"machine: {os.cpu_count()} CPUs; python for build.py: {python}; "
          f"repeat {args.repeat}; seed {args.seed}")
    print_table(results, bool(hugo))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"sizes": sizes, "results": results, "hugo": hugo,
                       "cache_flags": has_cache}, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
