"""Requests to LanguageTool on several threads that never hold up Ctrl-C or the end of the program.

concurrent.futures.ThreadPoolExecutor joins its threads when the interpreter exits, so after Ctrl-C
edtool waited for every request in flight (an answer can take the whole request timeout) and, for
requests still queued, for all of them. Here the threads are daemons: on Ctrl-C the queued requests
are cancelled and the ones in flight are abandoned. An answer that comes back is only ever written to
the results cache atomically, so an abandoned request leaves nothing half-written.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Callable


class RequestPool:
    """`submit` returns a Future, as with ThreadPoolExecutor."""

    def __init__(self, workers: int):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"edtool-request-{n}", daemon=True)
                         for n in range(max(1, workers))]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future

    def map(self, fn: Callable, items) -> list:
        """fn(item) for each item, in order; on any exception (Ctrl-C too) the rest is cancelled."""
        futures = [self.submit(fn, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            self.shutdown(wait=False, cancel_futures=True)
            raise

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """No more requests; cancel_futures: drop those not started. wait: until the started ones end."""
        if cancel_futures:
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[0].cancel()
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the answer
                future.set_exception(exc)


__all__ = ["RequestPool"]
