"""`edtool check` over many drafts on every core: the checks run in forked worker processes.

The parent has the drafts as (path, loader) pairs and the check run (the style guide and what is
compiled from it); the workers inherit both through fork, so a task is only a range of indices and
nothing but the results is pickled.
Each result comes back as findings, suppressed findings and the draft without its parsed views
(the report formats read its lines), in input order, so the output is the one a single process
writes. A draft that does not load is the same `file` finding as in one process (engine.check_one);
a missing LanguageTool is reported once per run by the parent; a required one stops the run with
the same RunError.

A worker that dies must not hang the parent. The pool's thread reads each reply from one pipe that
every worker writes to; a worker killed in the middle of a long reply leaves half a message there, and
the thread then waits for the rest forever. So a worker writes its findings to a file of the run's
own folder and replies with the file's name only, a message far below the size the kernel writes to
a pipe in one piece (PIPE_BUF). And on Ctrl-C the parent kills no one: the workers ignore SIGINT, the
parent raises a stop flag that they read between drafts, waits for them to return and exits.

Imported only when a run has enough drafts for more than one process (engine._jobs_for).
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import fields
from typing import TYPE_CHECKING, Callable

from edtool.draft import Draft, FieldPos
from edtool.engine import FileResult, RunError, ServiceUnavailable, check_one
from edtool.messages import msg

if TYPE_CHECKING:  # pragma: no cover
    from edtool.checkrun import CheckRun

# Findings a check reports once per run (on the first draft that meets the cause, through a
# flag on the CheckRun). Each worker has its own flag, so the parent keeps only the first in input
# order: the same draft one process reports it on, since a worker takes its chunks in input order.
ONCE_PER_RUN = ("metadata.slug-unchecked",)
CHUNKS_PER_WORKER = 8  # small enough to even out long and short drafts, big enough to batch replies
MAX_CHUNK = 32

_JOB: tuple | None = None  # (sources, run, options, checks, stop, folder): set before the fork, read by workers
_CHECKS: dict[str, Callable] | None = None  # per worker: the loaded checks (a failed service stays off)
_SIGINT = {signal.SIGINT}


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGINT)  # blocked by the parent around the fork
    session = _JOB[1].started_grammar_session
    if session is not None:  # keep its answers and a known failure, but never share the parent's connection
        session.detach()


_POSITION = [f.name for f in fields(FieldPos)]


def _pack(draft: Draft | None):
    """The draft's own fields for the trip to the parent, without the views the checks built on it
    (the prose view is large); the field positions as plain tuples (unpickling frozen dataclasses
    one by one costs the parent several times more)."""
    if draft is None:
        return None
    state = {f.name: getattr(draft, f.name) for f in fields(Draft)}
    state["fields"] = {key: tuple(getattr(pos, name) for name in _POSITION) for key, pos in draft.fields.items()}
    return state


def _unpack(state) -> Draft | None:
    if state is None:
        return None
    draft = object.__new__(Draft)
    state["fields"] = {key: FieldPos(*pos) for key, pos in state["fields"].items()}
    draft.__dict__.update(state)
    return draft


def _run(bounds: tuple[int, int]):
    global _CHECKS
    sources, run, options, checks, stop, folder = _JOB
    if _CHECKS is None:
        _CHECKS = dict(checks)
    unavailable: list[ServiceUnavailable] = []
    out = []
    for index in range(*bounds):
        if stop[0]:  # Ctrl-C in the parent: it throws the replies away
            break
        path, load = sources[index]
        result = check_one(path, load, run, _CHECKS, options, unavailable)
        out.append((result.path, result.diagnostics, result.suppressed, _pack(result.draft)))
    reply = os.path.join(folder, f"{bounds[0]}.pickle")
    try:
        with open(reply, "wb") as sink:
            pickle.dump(out, sink, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:  # a full disk, a file size limit
        raise RunError(msg("check.reply-failed", detail=_reason(exc))) from None
    return reply, [u.message for u in unavailable]


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _read_reply(reply: str) -> list:
    try:
        with open(reply, "rb") as source:
            out = pickle.load(source)
        os.unlink(reply)
    except OSError as exc:
        raise RunError(msg("check.reply-failed", detail=_reason(exc))) from None
    return out


def chunks(count: int, workers: int) -> list[tuple[int, int]]:
    """Index ranges covering 0..count in order."""
    size = max(1, min(MAX_CHUNK, -(-count // (workers * CHUNKS_PER_WORKER))))
    return [(start, min(count, start + size)) for start in range(0, count, size)]


def check_in_workers(sources: list, run: CheckRun, options, checks: dict[str, Callable], workers: int,
                     unavailable: list[ServiceUnavailable]) -> list[FileResult]:
    """FileResults of `sources` in order, from `workers` forked processes; ServiceUnavailable of any
    worker added to `unavailable`."""
    global _JOB
    if not sources:
        return []
    workers = min(workers, len(sources))
    stop = mmap.mmap(-1, 1)  # one byte of anonymous memory the workers share after the fork (no file)
    try:
        folder = tempfile.mkdtemp(prefix="edtool-check-")  # the workers' replies, one file per chunk
    except OSError as exc:
        raise RunError(msg("check.no-temp-folder", detail=_reason(exc))) from None
    _JOB = (sources, run, options, checks, stop, folder)
    gc.freeze()  # the inherited objects stay shared with the parent (no copy on a collection)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    results: list[FileResult] = []
    try:
        # Submitted one by one, not pool.map: on Ctrl-C map cancels what is pending itself, racing the
        # pool's own thread (see _stop). The first submit forks the workers and starts the pool's
        # threads: with SIGINT blocked they inherit it blocked, so a Ctrl-C reaches a worker only once
        # it ignores SIGINT, and the parent only in its main thread, which then wakes at once.
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGINT)
        try:
            futures = [pool.submit(_run, bounds) for bounds in chunks(len(sources), workers)]
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGINT)
        for future in futures:
            reply, messages = future.result()
            for path, diagnostics, suppressed, draft in _read_reply(reply):
                results.append(FileResult(path, diagnostics, _unpack(draft), suppressed))
            unavailable.extend(ServiceUnavailable(message) for message in messages)
    except BrokenProcessPool as exc:  # the pool's thread has already ended the other workers
        pool.shutdown(wait=True)
        raise RunError(msg("check.worker-died", detail=str(exc) or type(exc).__name__)) from None
    except BaseException:  # Ctrl-C, a RunError from a worker (LanguageTool required), a bug
        _stop(pool, stop)
        raise
    finally:
        _JOB = None
        gc.unfreeze()
        shutil.rmtree(folder, ignore_errors=True)  # the workers are done or gone
    pool.shutdown()
    _once_per_run(results)
    return results


def _once_per_run(results: list[FileResult]) -> None:
    for rule in ONCE_PER_RUN:
        seen = False
        for result in results:
            for found in (result.diagnostics, result.suppressed):
                if seen:
                    found[:] = [d for d in found if d.rule != rule]
            seen = seen or any(d.rule == rule for d in (*result.diagnostics, *result.suppressed))


def _stop(pool: ProcessPoolExecutor, stop: mmap.mmap) -> None:
    """Let the workers return after the draft each is on, have the pool's own thread drop the chunks
    not started (cancel_futures), and wait for that thread to end. Cancelling the chunks from here
    would race it (Python 3.11 prints a traceback when it fails a chunk already cancelled), and
    leaving it running would race the interpreter's exit hook (a write to the pipe it closed)."""
    stop[0] = 1
    pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["check_in_workers", "chunks"]
