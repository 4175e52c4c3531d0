"""The threads that send LanguageTool requests (languagetool/pool.py): answers in order, and nothing
that holds up Ctrl-C or the end of the program."""

from __future__ import annotations

import threading

import pytest

from edtool.languagetool.pool import RequestPool


def test_map_answers_in_order_on_several_threads():
    seen = set()

    def square(n):
        seen.add(threading.current_thread().name)
        return n * n

    pool = RequestPool(3)
    assert pool.map(square, range(40)) == [n * n for n in range(40)]
    pool.shutdown()
    assert seen and all(name.startswith("edtool-request-") for name in seen)


def test_a_failure_reaches_the_caller_and_the_rest_is_cancelled():
    release = threading.Event()
    started = []

    def work(n):
        started.append(n)
        if n == 0:
            raise ValueError("kaputt")
        release.wait(5)
        return n

    pool = RequestPool(1)
    with pytest.raises(ValueError, match="kaputt"):
        pool.map(work, range(5))
    release.set()
    # cancelled before they started, but for the one the thread may have taken as the failure came
    assert started[0] == 0 and len(started) <= 2


def test_queued_requests_are_cancelled_and_a_request_in_flight_is_not_waited_for():
    in_flight, release = threading.Event(), threading.Event()

    def slow(_):
        in_flight.set()
        release.wait(30)  # an answer that takes the whole timeout

    pool = RequestPool(1)
    first = pool.submit(slow, 0)
    queued = [pool.submit(slow, n) for n in range(1, 4)]
    assert in_flight.wait(5)
    pool.shutdown(wait=False, cancel_futures=True)
    assert all(f.cancelled() for f in queued) and not first.done()
    # a daemon: the interpreter's exit does not join it (ThreadPoolExecutor's threads it would)
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("edtool-request-"))
    release.set()
    assert first.result(5) is None
