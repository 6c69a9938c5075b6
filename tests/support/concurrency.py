"""Running calls at the same moment from several threads (concurrency tests)."""
from __future__ import annotations

import threading
from typing import Callable


def at_once(count: int, call: Callable[[int], object], timeout: float = 120) -> list:
    """`call(i)` in `count` threads released together by a barrier; their results, in
    thread order. Fails when a thread is still running after `timeout` seconds, and
    re-raises what a call raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait(timeout=10)
        try:
            results[i] = call(i)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a concurrent call did not finish"
    if errors:
        raise errors[0]
    return results
