"""Spread work over the machine's cores with a forked process pool.

Workers are forked after the parent has prepared what they need (prepared
sources, compiled templates, the timeline), so that state reaches them by
fork, without pickling; only the small task lists and results cross."""

from __future__ import annotations

import gc
import os
from typing import Any, Callable, Sequence

# Set in each worker by the pool's initializer; the parent never sets it.
_worker_task: tuple[Callable, Any] | None = None


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run(task: Callable[[Any, Sequence], list], state: Any, items: Sequence, workers: int, min_items: int = 64) -> list:
    """task(state, chunk) over chunks of items; the results in the order of items."""
    if workers <= 1 or len(items) < min_items:
        return list(task(state, items))
    import multiprocessing  # here: a quick rebuild never starts a pool, nor pays for the import

    if "fork" not in multiprocessing.get_all_start_methods():
        return list(task(state, items))
    count = min(len(items), workers * 32)
    # Items are dealt like cards, not cut in slices: costly items tend to sit
    # together (the pages listing many entries), and a slice of them alone
    # would leave one worker busy long after the other has finished.
    chunks = [items[k::count] for k in range(count)]
    # Move what exists now out of the collector's sight: a worker's collector
    # would otherwise write to every inherited object, copying its pages.
    gc.freeze()
    ctx = multiprocessing.get_context("fork")
    try:
        with ctx.Pool(workers, initializer=_init, initargs=(task, state)) as pool:
            parts = pool.map(_call, chunks, chunksize=1)
    finally:
        gc.unfreeze()
    out: list = [None] * len(items)
    for k, part in enumerate(parts):
        out[k::count] = part
    return out


def _init(task: Callable, state: Any) -> None:
    global _worker_task
    _worker_task = (task, state)
    gc.enable()  # templates make short-lived cycles; collect them in the worker


def _call(chunk: Sequence) -> list:
    assert _worker_task is not None
    task, state = _worker_task
    return list(task(state, chunk))
