"""Reading files that changed while phototerm runs, batch after batch, in worker processes
that stay up between batches (a burst of thousands of photos comes in many batches, and a
process pool costs a fifth of a second to start). The indexer's run does the work, with its
crash retries and time limit per file; this keeps its pool.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from phototerm.library.ingest.indexer import CHUNK, POOL_MIN, _Run, _Space
from phototerm.library.ingest.scanner import ScanEntry
from phototerm.library.photo import Photo
from phototerm.library.spaces import SpaceRoot

IDLE = 30.0  # seconds without a batch before the worker processes are let go


class Reader:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._used = 0.0

    def read(self, files: Sequence[tuple[SpaceRoot, Sequence[ScanEntry]]]) -> list[Photo]:
        """The records of these files (a file that cannot be read gets an error record)."""
        run = _Run(self.workers, None, None)
        total = sum(len(entries) for _space, entries in files)
        if self._pool is not None:
            run.pool = self._pool
        elif total >= POOL_MIN:
            run.pool = self._pool = _fresh_pool(run)
        try:
            for space, entries in files:
                state = _Space(space, None)
                items = [
                    (
                        e.rel,
                        e.size,
                        e.mtime,
                        os.path.join(space.root, e.sidecar[0]) if e.sidecar else None,
                    )
                    for e in entries
                ]
                for start in range(0, len(items), CHUNK):
                    run.enqueue(state, items[start : start + CHUNK])
            run.finish_reading()
        finally:
            self._pool, run.pool = run.pool, None  # None when a crash made the run close it
            self._used = time.monotonic()
        return run.photos

    def idle(self) -> None:
        """Let the worker processes go when no batch came for a while."""
        if self._pool is not None and time.monotonic() - self._used > IDLE:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _fresh_pool(run: _Run) -> ProcessPoolExecutor:
    from phototerm.library.ingest.indexer import _make_pool

    run.resume_gc()
    return _make_pool(run.workers, run.context)
