"""``LatestOnly``: one daemon thread that runs the latest job it was given.

The slideshow looks at each slide's file before showing it (a stat), off the UI thread: a NAS
that stopped answering must not freeze the screen. A thread per look would cost more than the
look itself; one long-lived thread does them in turn, and a look asked for while another is
running replaces any that is still waiting (only the newest slide matters). The thread is a
daemon and is never joined: quitting does not wait for a stat stuck on a dead mount.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Job = Callable[[], None]


class LatestOnly:
    def __init__(self, name: str) -> None:
        self._cond = threading.Condition()
        self._job: Job | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        with self._cond:
            self._job = job
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._job = None
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job, self._job = self._job, None
            if job is not None:
                job()
