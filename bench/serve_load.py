"""The preview's server under load: what a normal request costs alone and
behind a flood of quiet connections, the server's CPU while they are held
and at the descriptor limit, and what aborted downloads leave on stderr.

    .venv/bin/python bench/serve_load.py [--quiet 200] [--idle 2] [--threads 32]

The server runs alone on a build of the repository's content
(tests/serve_support.ServedFolder), on 127.0.0.1."""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from serve_support import ServedFolder  # noqa: E402


def get(port: int, path: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200, (path, response.status)
    return time.perf_counter() - started


def quiet_connections(port: int, count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        socks.append(sock)
    return socks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quiet", type=int, default=200, help="quiet connections opened at once")
    ap.add_argument("--idle", type=float, default=2.0, help="the server's idle time-out, seconds")
    ap.add_argument("--threads", type=int, default=32)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "build.py", "--no-cache", "--out", str(site)], cwd=REPO, check=True,
                       capture_output=True)
        big = site / "static" / "big.bin"
        big.write_bytes(os.urandom(1 << 20) * 16)

        with ServedFolder(site, idle=args.idle, threads=args.threads) as server:
            alone = [get(server.port, "/") for _ in range(50)]
            print(f"GET / alone: median {statistics.median(alone) * 1000:.1f} ms over 50")
            cpu, started = server.cpu_seconds(), time.monotonic()
            socks = quiet_connections(server.port, args.quiet)
            time.sleep(0.2)
            behind = get(server.port, "/")
            print(f"GET / behind {args.quiet} quiet connections ({args.threads} threads, {args.idle:g} s idle "
                  f"time-out): {behind * 1000:.1f} ms")
            threads = int(re.search(r"^Threads:\s+(\d+)$", Path(f"/proc/{server.proc.pid}/status").read_text(),
                                    re.M).group(1))
            time.sleep(args.idle * 0.8)
            held = time.monotonic() - started
            used = server.cpu_seconds() - cpu
            print(f"server while they are held: {threads} threads, {used:.2f} s of CPU in {held:.2f} s "
                  f"({100 * used / held:.0f} % of a core)")
            for sock in socks:
                sock.close()
            for _ in range(100):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
                sock.sendall(f"GET /static/big.bin HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
                sock.recv(65536)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            get(server.port, "/")
        print(f"100 downloads of 16 MB reset after 64 KB: {len(server.stderr)} bytes on stderr")

        with ServedFolder(site, idle=args.idle, threads=args.threads, files=64) as server:
            socks = quiet_connections(server.port, 150)
            time.sleep(0.3)
            cpu, started = server.cpu_seconds(), time.monotonic()
            time.sleep(args.idle * 0.6)
            used, held = server.cpu_seconds() - cpu, time.monotonic() - started
            print(f"at the descriptor limit (64 files, 150 connections): {100 * used / held:.0f} % of a core")
            for sock in socks:
                sock.close()


if __name__ == "__main__":
    main()
