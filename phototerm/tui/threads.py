"""Threads the way out never waits for.

A thread stuck in a system call (a FIFO named like a thumbnail, a NAS that stopped answering)
cannot be interrupted from Python. Quitting must not wait for it:

- ``DaemonExecutor`` runs Textual's thread workers (``@work(thread=True)`` goes through the
  event loop's default executor) on daemon threads, and its ``shutdown`` does not join them.
  With asyncio's own ThreadPoolExecutor, the end of ``App.run`` (``asyncio.run`` shuts the
  default executor down) and then the interpreter's exit wait for every worker thread, for
  ever if one never returns.
- ``close_within`` gives a ``close()`` that joins threads a bounded time, then leaves it
  finishing on a daemon thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class DaemonExecutor(ThreadPoolExecutor):
    """A thread per job, daemon, never joined. (A ThreadPoolExecutor only because asyncio's
    ``set_default_executor`` accepts nothing else; none of its pool is used.)"""

    def __init__(self, name: str = "phototerm-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._count = 0
        self._lock = threading.Lock()
        self._shut = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if self._shut:
                raise RuntimeError("cannot schedule new work after shutdown")
            self._count += 1
            name = f"{self._name}-{self._count}"
        future: Future[Any] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits the future
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name=name, daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new work; never wait for a running job (it may be stuck for good)."""
        with self._lock:
            self._shut = True


def close_within(close: Callable[[], object], seconds: float, name: str) -> bool:
    """Run ``close`` on a daemon thread and wait for it at most ``seconds``. True when it
    finished in time; otherwise it goes on alone, and the process may exit under it."""
    thread = threading.Thread(target=close, name=name, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()
