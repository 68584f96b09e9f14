"""Spread work over the machine's cores with forked processes.

Workers are forked after the parent has made what they need (the sources
read, the timeline, compiled templates), so that state reaches them by
fork, without pickling; only chunk numbers and results cross.

The parent is one of the workers: it would otherwise sit idle, and its own
share of the work costs nothing to send back, nor the copying of memory
pages that a forked process pays when it first writes to them.

The work is cut into small chunks whose numbers wait in a pipe, as make's
jobserver hands out its tokens: whoever is free reads the next number. A
pipe gives each read its bytes whole, so no two processes get one chunk and
no lock is needed.

A forked worker sends each chunk's results as soon as they are done, down a
pipe of its own, and the parent unpickles what has come between its own
chunks. Done at the end, unpickling kept the other process idle
(multiprocessing.Pool sends results so); done between chunks, the parent
merely takes fewer chunks. It is done in the parent's one thread: a
reading thread fights the parent's own work for the GIL (bench/README.md
has the figures).
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import select
import signal
import struct
import threading
import traceback
from typing import Any, Callable, Sequence

_NUMBER = struct.Struct("<I")   # a chunk number in the queue pipe
_LENGTH = struct.Struct("<Q")   # the length of a pickled message
_MAX_CHUNKS = 1024              # their numbers fit in one page, the least a pipe holds


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class WorkerFailed(RuntimeError):
    """A forked worker ended without finishing its chunks."""


def run(task: Callable[[Any, Sequence], list], state: Any, items: Sequence, workers: int, min_items: int = 64,
        meanwhile: Callable[[], None] | None = None) -> list:
    """task(state, chunk) over chunks of items; the results in the order of
    items. An exception raised by the task, in any process, is raised here.

    `meanwhile` is work of the parent's own that the task does not need:
    it is done once the workers have started, which then take a larger
    share of the chunks, instead of before or after while they idle."""
    if workers <= 1 or len(items) < min_items or not hasattr(os, "fork"):
        out = list(task(state, items))
        if meanwhile is not None:
            meanwhile()
        return out
    count = min(len(items), workers * 32, _MAX_CHUNKS)
    # Items are dealt like cards, not cut in slices: costly items tend to sit
    # together (the pages listing many entries), and a slice of them alone
    # would leave one worker busy long after the other has finished. Small
    # chunks, taken one at a time by whoever is free, keep both busy to the end.
    chunks = [items[k::count] for k in range(count)]
    numbers, numbers_in = os.pipe()
    try:
        _write_all(numbers_in, b"".join(_NUMBER.pack(k) for k in range(count)))
    finally:
        os.close(numbers_in)   # the numbers stay; a read past them is the end
    children: list[_Child] = []
    parts: dict[int, list] = {}
    # Move what exists now out of the collector's sight: a worker's collector
    # would otherwise write to every inherited object, copying its pages.
    gc.freeze()
    try:
        for _ in range(workers - 1):
            children.append(_Child.fork(task, state, chunks, numbers, children))
        if meanwhile is not None:
            meanwhile()
        while (k := _next_chunk(numbers)) is not None:
            parts[k] = list(task(state, chunks[k]))
            for child in children:
                child.receive(parts, wait=False)
        for child in children:
            child.receive(parts, wait=True)
    except BaseException:
        for child in children:
            child.stop()
        raise
    finally:
        gc.unfreeze()
        os.close(numbers)
        for child in children:
            child.close()
    out = [None] * len(items)
    for k, part in parts.items():
        out[k::count] = part
    return out


def _next_chunk(numbers: int) -> int | None:
    data = os.read(numbers, _NUMBER.size)
    return _NUMBER.unpack(data)[0] if data else None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _Child:
    """A forked worker, as the parent sees it: its pid and its results pipe."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd
        self.buffer = bytearray()
        self.finished = False   # its pipe is closed and it has exited
        self.error: tuple[BaseException, str] | None = None
        self.reaped = False

    @classmethod
    def fork(cls, task: Callable[[Any, Sequence], list], state: Any, chunks: list[Sequence], numbers: int,
             siblings: list[_Child]) -> _Child:
        results, results_in = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(results)
            for sibling in siblings:
                os.close(sibling.fd)
            _serve(task, state, chunks, numbers, results_in)   # never returns
        os.close(results_in)
        os.set_blocking(results, False)
        return cls(pid, results)

    def receive(self, parts: dict[int, list], wait: bool) -> None:
        """Take in the results that have come; with `wait`, all of them."""
        while not self.finished:
            if wait:
                select.select([self.fd], [], [])
            try:
                data = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                return
            if not data:
                self._ended()
                return
            self.buffer += data
            self._unpack(parts)

    def _unpack(self, parts: dict[int, list]) -> None:
        buffer, size = self.buffer, _LENGTH.size
        while len(buffer) >= size:
            (length,) = _LENGTH.unpack_from(buffer)
            if len(buffer) < size + length:
                return
            with memoryview(buffer) as view:
                message = pickle.loads(view[size:size + length])
            del buffer[:size + length]
            if message[0] == "part":
                parts[message[1]] = message[2]
            else:
                self.error = message[1], message[2]

    def _ended(self) -> None:
        """The pipe is closed: the worker has exited."""
        self.finished = True
        _, status = os.waitpid(self.pid, 0)
        self.reaped = True
        if self.error is not None:
            exc, where = self.error
            raise exc from WorkerFailed(f"in worker process {self.pid}:\n{where}")
        if status != 0:
            raise WorkerFailed(f"worker process {self.pid} ended before finishing (wait status {status})")

    def stop(self) -> None:
        if not self.reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        os.close(self.fd)
        if not self.reaped:
            os.waitpid(self.pid, 0)
            self.reaped = True


def _serve(task: Callable[[Any, Sequence], list], state: Any, chunks: list[Sequence], numbers: int, out: int) -> None:
    """A forked worker's life: chunks until none is left, then exit."""
    status = 1
    try:
        gc.enable()   # templates make short-lived cycles; collect them here
        sender = _Sender(out)
        try:
            while (k := _next_chunk(numbers)) is not None:
                sender.send(("part", k, list(task(state, chunks[k]))))
            status = 0
        except BaseException as exc:
            sender.send(("error", _portable(exc), traceback.format_exc()))
        sender.close()
    finally:
        # Never return into the parent's code, nor run its exit handlers.
        os._exit(status)


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else its description."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return WorkerFailed(f"{type(exc).__name__}: {exc}")


class _Sender:
    """Writes a worker's messages from a thread of their own, so that the
    worker's work goes on while the parent is too busy to read the pipe."""

    def __init__(self, fd: int):
        self.fd = fd
        self.queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def send(self, message: tuple) -> None:
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        self.queue.put(_LENGTH.pack(len(data)) + data)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        os.close(self.fd)

    def _write(self) -> None:
        try:
            while (data := self.queue.get()) is not None:
                _write_all(self.fd, data)
        except OSError:
            pass   # the parent is gone: nobody is left to tell
