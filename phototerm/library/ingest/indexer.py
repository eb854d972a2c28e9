"""Indexing the spaces: walk, take what the metadata cache knows, read the rest in parallel.

Cold start: exifread is pure Python, so reading uses processes (both cores), fed chunks of
files (``CHUNK`` per task, to amortise the pickling) while the walk is still going, and
the results stream to the ``batch`` callback as they arrive so a UI fills in at once.
Warm start: the walk plus a dictionary lookup per file; nothing is opened.

A reader process that dies (a C library crashing on a hostile file) costs only a retry: the
files of its chunk are read again one at a time in a separate process, and the file that
kills that one is recorded as an error. A file that takes longer than ``FILE_TIMEOUT`` is
abandoned with an error (in worker processes, where a timer signal can interrupt it).

Workers are forked when this process has a single thread (cheap, and any script works),
started from a fork server when it has more (the TUI indexes in a worker thread, and forking
a threaded process can deadlock the child); phototerm's entry points are guarded for that.

``read_only=True`` (kiosk, view-only users) and ``cache_dir=None`` write nothing at all.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from phototerm.library import extras
from phototerm.library.ingest.listing import Listing
from phototerm.library.ingest.scanner import ScanError, scan_folders
from phototerm.library.metadata.rows import Item, Row, photo_from_row
from phototerm.library.photo import Photo

if TYPE_CHECKING:  # only its .name and .root are used; spaces.py pulls in the config
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from phototerm.library.metadata import cache as metadata_cache
    from phototerm.library.spaces import SpaceRoot

# The process pool's modules (multiprocessing, concurrent.futures), the metadata cache's and
# the reader's (its EXIF and container parsers) are imported where they are used: a warm
# start that finds nothing to read (reconcile.py) does not pay for them.

__all__ = ["IndexProgress", "IndexResult", "ScanError", "index_spaces"]

CHUNK = 128  # files per worker task
POOL_MIN = 2 * CHUNK  # fewer files than this are read in this process (no pool start-up)
CACHED_BATCH = 4096  # cached photos handed to ``batch`` at a time
SPOOL_ROWS = 2048  # rows read, kept as tuples until marshalled for the cache together
PROGRESS_EVERY = 0.1  # seconds between progress callbacks
FILE_TIMEOUT = 20.0  # seconds one file may take in a worker before it is abandoned


@dataclass(slots=True)
class IndexProgress:
    done: int
    total: int | None  # None while walking: the number of files is not known yet
    phase: str  # "scanning", "reading", "saving", "done"


@dataclass(slots=True)
class IndexResult:
    photos: list[Photo]
    errors: list[ScanError]
    seconds: float
    cached: int  # photos taken from the metadata cache
    read: int  # photos read from their files
    cache_problems: list[str] = field(default_factory=list)  # caches ignored or not saved
    listing: Listing = field(default_factory=Listing)  # what the walk saw, for the next one

    @property
    def file_errors(self) -> list[Photo]:
        """Records whose file could not be read (empty when run with keep_photos=False)."""
        return [p for p in self.photos if p.error]


class _Space:
    """Per-space state of one run: the old cache, and the rows the new cache will hold."""

    def __init__(self, space: SpaceRoot, cache_dir: str | None, *, saving: bool = True) -> None:
        from phototerm.library.metadata import cache as metadata_cache

        self.name = sys.intern(space.name)
        self.root = space.root
        self.path = (
            metadata_cache.cache_file(cache_dir, space.name, space.root) if cache_dir else None
        )
        self.old = (
            metadata_cache.load(self.path, space.root) if self.path else metadata_cache.CacheData()
        )
        self.saving = saving and self.path is not None  # the rows read now are kept for it
        self.rows: list[Row] = []  # rows taken from the old cache (shared with it)
        self.read_rows: list[Row] = []  # rows read now, until they are spooled
        # rows read now, marshalled, on disk beside the cache (see metadata/cache.py)
        self.spooled = metadata_cache.Spool(self.path.parent if self.saving and self.path else None)
        self.read_count = 0
        self.sidecars: dict[str, metadata_cache.Sidecar] = {}
        self.changed = False

    def keep(self, row: Row) -> None:
        self.read_count += 1
        if not self.saving:
            return
        self.read_rows.append(row)
        if len(self.read_rows) >= SPOOL_ROWS:
            self.spool()

    def spool(self) -> None:
        rows, self.read_rows = self.read_rows, []
        self.spooled.add(rows)

    def cached_count(self) -> int:
        """Rows the new cache will hold."""
        return len(self.rows) + self.read_count


def index_spaces(
    spaces: Sequence[SpaceRoot],
    cache_dir: str | None,
    *,
    workers: int | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
    batch: Callable[[list[Photo]], None] | None = None,
    read_only: bool = False,
    keep_photos: bool = True,
) -> IndexResult:
    """Index ``spaces`` (see the module doc). ``batch`` receives the records as they are
    ready; with ``keep_photos=False`` the result's ``photos`` stays empty, for callers that
    keep what ``batch`` hands them (a million Photo objects kept twice is ~300 MB)."""
    run = _Run(workers or os.cpu_count() or 1, progress, batch)
    run.keep = keep_photos
    # A warm start creates a few hundred thousand objects in a second, most of them kept:
    # the cyclic GC would traverse them again and again for nothing. It is paused while
    # this thread only builds records, and resumes as soon as the run waits on workers.
    run.pause_gc()
    states: list[_Space] = []
    try:
        for space in spaces:
            states.append(_Space(space, cache_dir, saving=not read_only))
        for state in states:
            run.walk(state)
        run.finish_reading()
        return _finish(run, states, read_only)
    finally:
        run.resume_gc()
        run.close()
        for state in states:
            state.spooled.close()


def _finish(run: _Run, states: list[_Space], read_only: bool) -> IndexResult:
    """The result of a run whose files are all read, and the caches saved."""
    result = IndexResult(run.photos, run.errors, 0.0, run.cached, run.read)
    result.listing = run.listing
    for space_name, rels in run.retry_rels.items():
        result.listing.mark_retry(space_name, rels)
    for state in states:
        if state.old.problem:
            result.cache_problems.append(f"{state.name}: cache ignored: {state.old.problem}")
    if not read_only:
        from phototerm.library.metadata import cache as metadata_cache

        run.report("saving", force=True)
        for state in states:
            if state.path and (state.changed or state.cached_count() != len(state.old)):
                try:
                    state.spool()
                except ValueError as exc:  # an unmarshallable value: a bug, not worth a crash
                    problem = f"cannot encode ({exc})"
                else:
                    problem = metadata_cache.save(
                        state.path, state.root, state.rows, state.sidecars, state.spooled
                    )
                if problem:
                    result.cache_problems.append(f"{state.name}: cache not saved: {problem}")
    result.seconds = time.perf_counter() - run.start
    run.report("done", force=True)
    return result


class _Run:
    def __init__(
        self,
        workers: int,
        progress: Callable[[IndexProgress], None] | None,
        batch: Callable[[list[Photo]], None] | None,
    ) -> None:
        self.start = time.perf_counter()
        self.workers = max(1, workers)
        # Chosen once, before the first pool exists (``context``): a pool's own manager
        # thread must not turn a later pool of this run into a fork server one.
        self._context: BaseContext | None = None
        self.progress = progress
        self.batch = batch
        self.photos: list[Photo] = []
        self.errors: list[ScanError] = []
        self.cached = 0
        self.read = 0
        self.found = 0
        self.total: int | None = None
        self.pending_batch: list[Photo] = []
        self.waiting: list[tuple[_Space, list[Item]]] = []  # not yet submitted
        self.waiting_count = 0
        self.pool: ProcessPoolExecutor | None = None
        self.inflight: dict[Future[list[tuple[Row, bool]]], tuple[_Space, list[Item]]] = {}
        self.retry: list[tuple[_Space, Item]] = []
        self.last_report = 0.0
        self.gc_paused = False
        self.keep = True
        self.listing = Listing()
        self.retry_rels: dict[str, list[str]] = {}  # space -> files whose error may pass

    @property
    def context(self) -> BaseContext:
        if self._context is None:
            self._context = _context()
        return self._context

    # --- walking ----------------------------------------------------------------------------

    def walk(self, state: _Space) -> None:
        # Runs once per file on every start; the cache test is inlined (see CacheData.lookup).
        cached_rows = state.old.rows.get
        cached_side = state.old.sidecars.get
        space, root = state.name, state.root
        rows, sidecars = state.rows, state.sidecars
        chunk: list[Item] = []
        found, cached = self.found, self.cached
        record = self.listing.record
        for folder in scan_folders(root, self.errors):
            found += len(folder)
            record(space, folder)
            pending = self.pending_batch
            for rel, size, mtime, sidecar in folder:
                row = cached_rows(rel)
                if (
                    row is not None
                    and row[2] == size
                    and row[3] == mtime
                    and cached_side(rel) == sidecar
                ):
                    cached += 1
                    rows.append(row)
                    if sidecar is not None:
                        sidecars[rel] = sidecar
                    pending.append(Photo(space, root, *row))
                    continue
                state.changed = True
                side_path = os.path.join(root, sidecar[0]) if sidecar else None
                chunk.append((rel, size, mtime, side_path))
                if sidecar is not None:
                    sidecars[rel] = sidecar
                if len(chunk) >= CHUNK:
                    self.found, self.cached = found, cached
                    self.enqueue(state, chunk)
                    pending = self.pending_batch
                    chunk = []
            if len(self.pending_batch) >= CACHED_BATCH:
                self.found, self.cached = found, cached
                self.flush()
                self.report("scanning")
        self.found, self.cached = found, cached
        if chunk:
            self.enqueue(state, chunk)
        self.flush()
        self.report("scanning")

    def enqueue(self, state: _Space, items: list[Item]) -> None:
        self.waiting.append((state, items))
        self.waiting_count += len(items)
        if self.pool is None and (self.waiting_count >= POOL_MIN or _needs_decoder(items)):
            self.resume_gc()  # a cold run lasts: other threads' garbage must not wait
            self.pool = _make_pool(self.workers, self.context)
        if self.pool is not None:
            self.submit_waiting()
            # Keep a bounded number of chunks in flight while walking: results stream out
            # and memory stays flat whatever the library's size.
            while len(self.inflight) > 3 * self.workers:
                self.collect(block=True)
            self.collect(block=False)

    def submit_waiting(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        assert self.pool is not None
        for state, items in self.waiting:
            try:
                future = self.pool.submit(read_chunk_guarded, state.root, items)
            except BrokenProcessPool:
                # A worker died (its chunk goes to the retry list when collected): carry on
                # with a fresh pool, once the broken one's threads are gone.
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.pool = _make_pool(self.workers, self.context)
                future = self.pool.submit(read_chunk_guarded, state.root, items)
            self.inflight[future] = (state, items)
        self.waiting = []
        self.waiting_count = 0

    # --- reading ----------------------------------------------------------------------------

    def finish_reading(self) -> None:
        self.total = self.found
        if self.pool is None:  # a small job: no process start-up
            for state, items in self.waiting:
                self.accept(state, _reader().read_chunk(state.root, items))
                self.report("reading")
            self.waiting = []
        else:
            self.submit_waiting()
            while self.inflight:
                self.collect(block=True)
        if self.retry:
            self.retry_one_by_one()
        self.flush()

    def collect(self, block: bool) -> None:
        from concurrent.futures import FIRST_COMPLETED, wait

        if not self.inflight:
            return
        done, _ = wait(
            list(self.inflight), timeout=None if block else 0, return_when=FIRST_COMPLETED
        )
        for future in done:
            state, items = self.inflight.pop(future)
            try:
                results = future.result()
            except Exception:  # noqa: BLE001 - a dead worker (BrokenProcessPool) or pickling
                self.retry.extend((state, item) for item in items)
                continue
            self.accept(state, results)
        if done:
            self.report("reading" if self.total is not None else "scanning")

    def retry_one_by_one(self) -> None:
        """Files of chunks whose worker died, read again one at a time in a separate process:
        with a single task in flight, a crash names its file for certain. Rare (a C library
        crashing), so the round trip per file does not matter."""
        self.close()
        retry, self.retry = self.retry, []
        pool = _make_pool(1, self.context)
        try:
            for state, item in retry:
                try:
                    results = pool.submit(read_chunk_guarded, state.root, [item]).result()
                except Exception as exc:  # noqa: BLE001 - this file kills the reader
                    rel, size, mtime, _ = item
                    reason = f"the reader crashed on this file ({type(exc).__name__})"
                    results = [(_reader().error_row(rel, size, mtime, reason), False)]
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = _make_pool(1, self.context)
                self.accept(state, results)
                self.report("reading")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def accept(self, state: _Space, results: list[tuple[Row, bool]]) -> None:
        intern = sys.intern
        space, root = state.name, state.root
        photos = []
        for row, cacheable in results:
            # Shared strings: thousands of photos name the same few cameras and lenses.
            row = (*row[:6], intern(row[6]), intern(row[7]), intern(row[8]), *row[9:])
            if cacheable:
                state.keep(row)
            else:
                self.retry_rels.setdefault(space, []).append(row[0])
            photos.append(photo_from_row(space, root, row))
        self.read += len(photos)
        state.changed = True
        self.pending_batch.extend(photos)
        self.flush()

    # --- output -----------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.pending_batch:
            return
        photos, self.pending_batch = self.pending_batch, []
        if self.keep:
            self.photos.extend(photos)
        if self.batch is not None:
            self.batch(photos)

    def report(self, phase: str, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if not force and now - self.last_report < PROGRESS_EVERY:
            return
        self.last_report = now
        if phase in ("scanning",) and self.total is None:
            self.progress(IndexProgress(self.found, None, phase))
        else:
            total = self.total if self.total is not None else self.found
            self.progress(IndexProgress(self.cached + self.read, total, phase))

    def pause_gc(self) -> None:
        self.gc_paused = gc.isenabled()
        if self.gc_paused:
            gc.disable()

    def resume_gc(self) -> None:
        if self.gc_paused:
            self.gc_paused = False
            gc.enable()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _needs_decoder(items: list[Item]) -> bool:
    """Whether a file of ``items`` is read with a C decoder (FFmpeg, libheif, LibRaw): such
    files are read in worker processes however few they are, where a crash costs a retry
    and a slow file is abandoned, never in the caller's process."""
    for rel, *_rest in items:
        extra = extras.extra_for(rel)
        if extra is not None and extras.installed(extra):
            return True
    return False


# --- worker side ------------------------------------------------------------------------------


def _make_pool(workers: int, context: BaseContext) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    import exifread  # noqa: F401 - once here, not in each forked worker (reader.py imports it late)

    _reader()  # the same for the reader itself

    _start_resource_tracker()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (once per process) with a real stderr.

    The pool starts the tracker on first use and hands it ``sys.stderr.fileno()``. Inside a
    Textual app sys.stderr is a capture object whose fileno() is -1, and the spawn fails
    ("bad value(s) in fds_to_keep"). So when that is what sys.stderr holds, the tracker is
    started here with the process's real stderr in its place, for as long as the spawn takes
    (nothing in phototerm writes to stderr while an app runs). Doing it here, not at start-up,
    keeps the import of multiprocessing and the tracker's own process off the start of a
    browser that has nothing to read."""
    from multiprocessing import resource_tracker

    stream = sys.stderr
    try:
        usable = stream is None or stream.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = True  # no descriptor at all: the tracker goes without one
    if usable or sys.__stderr__ is None:
        return  # the pool starts the tracker itself
    sys.stderr = sys.__stderr__
    try:
        # No tracker: the pool reports its own failure through its caller.
        with contextlib.suppress(Exception):
            resource_tracker.ensure_running()
    finally:
        if sys.stderr is sys.__stderr__:  # not changed meanwhile by the app's own exit
            sys.stderr = stream


def _context() -> BaseContext:
    """fork when this process has one thread (cheapest, and works from any script);
    forkserver when it has more (the TUI runs the indexer in a worker thread), because forking
    a threaded process can deadlock the child on a lock another thread held. The fork server
    imports the reader once; each worker is a cheap fork of it. (forkserver and spawn re-run
    an unguarded main script in the workers: phototerm's entry points are guarded.)"""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["phototerm.library.metadata.reader", "exifread"])
        return ctx
    return multiprocessing.get_context("spawn")


def _worker_init() -> None:
    # Workers inherit the terminal as stderr, under a TUI. Nothing they could print belongs
    # there (a C library's warning, an interpreter's last words): results and failures
    # reach the parent through the pool, so stderr goes to /dev/null.
    warnings.simplefilter("ignore")
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    # Ctrl+C goes to the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Timeout(BaseException):
    """BaseException, so the reader's own ``except Exception`` cannot swallow it."""


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def _reader() -> ModuleType:
    """The metadata reader, imported on first use."""
    from phototerm.library.metadata import reader

    return reader


def read_chunk_guarded(root: str, items: Sequence[Item]) -> list[tuple[Row, bool]]:
    """``metadata.read_chunk`` with a per-file time limit (main thread of a worker only).

    Two limits: the alarm (``FILE_TIMEOUT`` of wall time) stops a file whose reading runs
    Python code or waits; it cannot interrupt a C decoder (FFmpeg, libheif, LibRaw) looping
    inside one call, whose signal handler would only run once the call returns. For that,
    the worker's CPU time may grow by at most ``2 * FILE_TIMEOUT`` per file: past it the
    kernel ends the process (SIGXCPU), and the file is found out as a crash is (read again
    alone, then recorded as the file that kills the reader)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        return _reader().read_chunk(root, items)
    reader = _reader()
    previous = signal.signal(signal.SIGALRM, _alarm)
    cpu_limit = resource.getrlimit(resource.RLIMIT_CPU)
    out: list[tuple[Row, bool]] = []
    try:
        for rel, size, mtime, sidecar in items:
            _limit_cpu(2 * FILE_TIMEOUT, cpu_limit)
            signal.setitimer(signal.ITIMER_REAL, FILE_TIMEOUT)
            try:
                out.append(reader.read_row(root, rel, size, mtime, sidecar))
            except _Timeout:
                reason = f"reading took over {FILE_TIMEOUT:g} s; skipped"
                out.append((reader.error_row(rel, size, mtime, reason), False))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        _restore_cpu(cpu_limit)
    return out


def _limit_cpu(seconds: float, original: tuple[int, int]) -> None:
    """Let this process use at most ``seconds`` more CPU time (within the hard limit)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    hard = original[1]
    if hard != resource.RLIM_INFINITY and soft > hard:
        return
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass  # a limit that cannot be set: the alarm alone, as before


def _restore_cpu(original: tuple[int, int]) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_CPU, original)
    except (ValueError, OSError):
        pass
