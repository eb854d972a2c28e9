"""Indexing figures: cold throughput and warm start, each beside its bare baseline.

These time ``index_spaces`` inside this process: where indexing spends its time, not what a
person waits for (process start, imports, the index and the output are not in them). The
end-to-end figures are the "startup" area's.

- Cold: ``index_spaces`` on a fresh cache dir, the whole job (walk, sidecars, worker start-up,
  cache write) vs a single-process loop of ``exifread.process_file(f, details=False)`` over
  the same files (their list made beforehand, so the baseline does not even pay the walk).
  The two take turns, three times each (once in --quick), and each keeps its best time: the
  machine is shared, and the best run is the least disturbed one, for both sides alike.
- Warm: ``index_spaces`` with the cache present and nothing changed vs ``os.walk`` + ``stat``
  of the same tree; best of three each.
- Warm at 100,000 files (unless --quick or the library is already that big): the tree is five
  hard-linked copies of the generated library (real directory entries, real stats); its
  cache is written from the cold run's rows of those same files (re-reading identical files
  would only cost time), and the warm run must take every file from it, which is checked.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import exifread

from phototerm.bench import BenchOptions, Figure
from phototerm.library.ingest.indexer import IndexResult, index_spaces
from phototerm.library.ingest.scanner import scan
from phototerm.library.metadata import cache as metadata_cache
from phototerm.library.photo import PHOTO, kind_of
from phototerm.library.spaces import SpaceRoot
from phototerm.samples.synthlib import make_library

AREA = "indexing"
BIG = 100_000
QUICK_PHOTOS = 600


def run(opts: BenchOptions) -> list[Figure]:
    with generated_library(opts) as (work, root, _n):
        return _measure(opts, root, os.path.join(work, "indexing-cache"))


@contextmanager
def generated_library(opts: BenchOptions) -> Iterator[tuple[str, str, int]]:
    """(work folder, root, photos) of the generated library the options ask for: made once
    in ``--workdir`` and kept there for the next run, else in a folder removed after."""
    n = min(opts.photos, QUICK_PHOTOS) if opts.quick else opts.photos
    owned = opts.workdir is None
    work = tempfile.mkdtemp(prefix="phototerm-bench-") if owned else str(opts.workdir)
    try:
        root = os.path.join(work, f"indexing-{n}")
        make_library(root, n)
        yield work, root, n
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def _measure(opts: BenchOptions, root: str, cache_dir: str) -> list[Figure]:
    figures: list[Figure] = []
    space = SpaceRoot("personal", root)
    repeats = 1 if opts.quick else 3

    # Context for the reader: the cold speed-up needs both cores, so others' work on this
    # shared machine lowers it (the single-process baseline barely notices).
    figures.append(
        Figure(
            AREA, "machine load before the runs (1-min load average)", os.getloadavg()[0], "procs"
        )
    )

    # Cold. Baseline and phototerm take turns, so a burst of other work on this shared
    # machine hits one run of one side, and best-of-N discards it.
    files = _photo_files(root)
    bare_times: list[float] = []
    cold_times: list[float] = []
    bare_cpu: list[float] = []
    cold_cpu: list[float] = []
    cold: IndexResult | None = None
    for _ in range(repeats):
        cpu = _cpu()
        bare_times.append(_timed(lambda: _bare_exifread(files)))
        bare_cpu.append(_cpu() - cpu)
        shutil.rmtree(cache_dir, ignore_errors=True)
        cpu = _cpu()
        seconds, cold = _timed_result(lambda: index_spaces([space], cache_dir))
        cold_cpu.append(_cpu() - cpu)
        cold_times.append(seconds)
    bare = min(bare_times)
    assert cold is not None
    # Both rates count the same files (the photos); the indexer also lists the videos.
    ours = len(files) / min(cold_times)
    base = len(files) / bare
    figures.append(
        Figure(
            AREA,
            f"cold index throughput (in-process index_spaces, {len(files):,} photos)",
            ours,
            "files/s",
            baseline=base,
            baseline_name="exifread loop, 1 process",
            ratio=ours / base,
            ratio_name="speed-up",
            # A quick run's few hundred files do not amortise the worker start-up: no target.
            target="" if opts.quick else ">= 1.5x",
            ok=None if opts.quick else ours / base >= 1.5,
        )
    )

    # CPU per file, all processes counted (workers included): what the speed-up is made of,
    # and a figure that other work on the machine disturbs less than wall-clock time.
    ours_cpu, bare_cpu_ms = min(cold_cpu) * 1000 / len(files), min(bare_cpu) * 1000 / len(files)
    figures.append(
        Figure(
            AREA,
            "cold index CPU time per photo (in-process run, all processes)",
            ours_cpu,
            "ms",
            baseline=bare_cpu_ms,
            baseline_name="exifread loop",
            ratio=bare_cpu_ms / ours_cpu if ours_cpu else None,
            ratio_name="less work",
        )
    )

    # Warm, at the library's size.
    figures.append(
        _warm_figure(space, cache_dir, f"warm start (in-process, {len(cold.photos):,} files)", None)
    )

    # Warm at 100,000.
    if not opts.quick and len(cold.photos) < BIG:
        big_root = os.path.join(os.path.dirname(root), f"indexing-{BIG}-links")
        big_cache = os.path.join(os.path.dirname(root), "indexing-cache-big")
        copies = -(-BIG // max(1, len(cold.photos)))
        shutil.rmtree(big_cache, ignore_errors=True)
        total = linked_tree(root, cache_dir, big_root, big_cache, copies)
        figures.append(
            _warm_figure(
                SpaceRoot("personal", big_root),
                big_cache,
                f"warm start (in-process, {total:,} files: {copies} hard-linked copies)",
                1.5,
            )
        )
    elif len(cold.photos) >= BIG:
        figures[-1].target = "<= 3x and <= 1.5 s"
        figures[-1].ok = bool(figures[-1].ok) and figures[-1].value <= 1.5
    return figures


def _warm_figure(space: SpaceRoot, cache_dir: str, name: str, limit: float | None) -> Figure:
    walk = min(_timed(lambda: _bare_walk(space.root)) for _ in range(3))
    best = float("inf")
    for _ in range(3):
        seconds, result = _timed_result(lambda: index_spaces([space], cache_dir))
        if result.read:  # the cache must have answered for every file, or this is not warm
            raise RuntimeError(f"warm run re-read {result.read} files")
        best = min(best, seconds)
    ratio = best / walk
    ok = ratio <= 3 and (limit is None or best <= limit)
    target = "<= 3x" + (f" and <= {limit:g} s" if limit is not None else "")
    return Figure(
        AREA,
        name,
        best,
        "s",
        baseline=walk,
        baseline_name="os.walk + stat",
        ratio=ratio,
        ratio_name="x baseline",
        target=target,
        ok=ok,
    )


def _photo_files(root: str) -> list[str]:
    """The files the baseline reads: every photo the indexer finds (videos have no EXIF)."""
    return [os.path.join(root, e.rel) for e in scan(root) if kind_of(e.rel) == PHOTO]


def _bare_exifread(files: list[str]) -> None:
    for path in files:
        with open(path, "rb") as fh:
            try:
                exifread.process_file(fh, details=False)
            except Exception:  # noqa: BLE001, S112 - the baseline must not stop either
                continue


def _bare_walk(root: str) -> int:
    count = 0
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            os.stat(os.path.join(dirpath, name))
            count += 1
    return count


def linked_tree(root: str, cache_dir: str, big_root: str, big_cache: str, copies: int) -> int:
    """``copies`` hard-linked copies of ``root`` under ``big_root`` (made once, kept for the
    next run), and their metadata cache in ``big_cache``, written from ``root``'s in
    ``cache_dir`` (what a cold index left) without reading a file. Returns the files."""
    src = metadata_cache.load(metadata_cache.cache_file(cache_dir, "personal", root), root)
    if src.problem or not src.rows:
        raise RuntimeError(f"the cold run left no usable cache ({src.problem or 'empty'})")
    if not os.path.isdir(big_root):
        tmp = big_root + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        for i in range(copies):
            shutil.copytree(root, os.path.join(tmp, f"copy{i}"), copy_function=os.link)
        os.replace(tmp, big_root)
    rows, sidecars = [], {}
    for i in range(copies):
        prefix = f"copy{i}/"
        for rel, row in src.rows.items():
            rows.append((prefix + rel, *row[1:]))
            side = src.sidecars.get(rel)
            if side is not None:
                sidecars[prefix + rel] = (prefix + side[0], side[1], side[2])
    problem = metadata_cache.save(
        metadata_cache.cache_file(big_cache, "personal", big_root), big_root, rows, sidecars
    )
    if problem:
        raise RuntimeError(f"cannot write the benchmark cache: {problem}")
    return len(rows)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the indexer's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _timed_result(fn: Callable[[], IndexResult]) -> tuple[float, IndexResult]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
