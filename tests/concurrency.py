"""Two requests at once, as a double click or a client's retry makes them: each call runs in a
thread of its own, on its own database connection, released together by a barrier."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(*calls: Callable[[], Any], timeout: float = 60, outcomes: bool = False) -> list[Any]:
    """Run the calls together, each in its own thread and connection; their results in order.
    An exception in a call is re-raised here, after every thread has ended; with outcomes=True
    it is that call's result instead (a race whose loser is expected to raise)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread below
            if outcomes:
                results[index] = exc
            else:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
