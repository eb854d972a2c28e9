"""Checking an index loaded from its snapshot against the disk: one walk and one stat per
file, and work only where something changed.

Each folder the walk lists is compared with the signature the last walk left for it
(listing.py). A folder that matches costs nothing more: no object per photo, no index write.
A folder that does not is compared file by file with the index's rows (size and mtime they
were read with) and with its old sidecars: new and changed files are read (in worker
processes, as the indexer does) and written over their row in place, vanished ones are
removed. Folders that are gone take their photos with them.

What a caller sees: ``batch`` gets the records read (new or changed), ``removed`` the ids
taken out of the index, ``progress`` the walk and the reading; the result counts them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phototerm.library.ingest.indexer import CHUNK, IndexProgress, _Run, _Space
from phototerm.library.ingest.listing import Listing
from phototerm.library.ingest.scanner import ScanError, scan_listings
from phototerm.library.metadata.reader import Item
from phototerm.library.photo import Photo

if TYPE_CHECKING:
    from phototerm.library.index import Index
    from phototerm.library.spaces import SpaceRoot


@dataclass(slots=True)
class ReconcileResult:
    errors: list[ScanError] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: int = 0  # files whose folder had not changed, or whose file had not
    read: int = 0  # new or changed files read
    removed: int = 0
    listing: Listing = field(default_factory=Listing)  # what this walk saw

    @property
    def changed(self) -> bool:
        return bool(self.read or self.removed)


def reconcile(
    index: Index,
    spaces: Sequence[SpaceRoot],
    listing: Listing,
    *,
    workers: int | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
    batch: Callable[[list[Photo]], None] | None = None,
    removed: Callable[[list[int]], None] | None = None,
) -> ReconcileResult:
    """Bring ``index`` (loaded from a snapshot that ``listing`` came with) up to date with
    the files of ``spaces``. ``batch`` must put the records it gets on the index (as
    ``Index.add_many`` does: a known path is rewritten in place, its id kept)."""
    run = _Run(workers or os.cpu_count() or 1, progress, batch)
    run.keep = False
    new = Listing()
    result = ReconcileResult(listing=new)
    # The walk makes and drops an entry per file: the cyclic GC would only add its passes
    # (it resumes as soon as worker processes are started for changed files).
    run.pause_gc()
    try:
        for space in spaces:
            _walk(run, index, _Space(space, None), listing, new, result, removed)
        run.finish_reading()
    finally:
        run.resume_gc()
        run.close()
    for space_name, rels in run.retry_rels.items():
        new.mark_retry(space_name, rels)
    result.errors = run.errors
    result.read = run.read
    result.unchanged = run.cached
    result.seconds = time.perf_counter() - run.start
    run.report("done", force=True)
    return result


def _walk(
    run: _Run,
    index: Index,
    state: _Space,
    old: Listing,
    new: Listing,
    result: ReconcileResult,
    removed: Callable[[list[int]], None] | None,
) -> None:
    space = state.name
    seen: set[str] = set()
    signatures = old.folders
    for folder in scan_listings(state.root, run.errors):
        count = len(folder.names)
        run.found += count
        signature = new.record_folder(space, folder)
        key = (space, folder.rel)
        seen.add(key[1])
        if signatures.get(key) == signature:
            run.cached += count  # the whole folder is as it was
        else:
            _compare(run, index, state, old, key, folder.entries(), result, removed)
        run.report("scanning")
    # Folders the index knows that the walk no longer found: their photos are gone.
    for rel in index.folders_of(space):
        if rel not in seen:
            files = index.folder_files(space, rel)
            _remove(index, space, files, result, removed)


def _compare(
    run: _Run,
    index: Index,
    state: _Space,
    old: Listing,
    key: tuple[str, str],
    entries: Sequence[tuple[str, int, float, tuple[str, int, float] | None]],
    result: ReconcileResult,
    removed: Callable[[list[int]], None] | None,
) -> None:
    """One changed folder, file by file."""
    space, folder = key
    known = index.folder_files(space, folder)
    old_sides = old.sidecars_in(key)
    retry = old.retry
    chunk: list[Item] = []
    for rel, size, mtime, sidecar in entries:
        row = known.pop(rel, None)
        if (
            row is not None
            and row[1] == size
            and row[2] == mtime
            and old_sides.get(rel) == sidecar
            and (space, rel) not in retry
        ):
            run.cached += 1
            continue
        side_path = os.path.join(state.root, sidecar[0]) if sidecar else None
        chunk.append((rel, size, mtime, side_path))
        if len(chunk) >= CHUNK:
            run.enqueue(state, chunk)
            chunk = []
    if chunk:
        run.enqueue(state, chunk)
    _remove(index, space, known, result, removed)


def _remove(
    index: Index,
    space: str,
    files: dict[str, tuple[int, int, float]],
    result: ReconcileResult,
    removed: Callable[[list[int]], None] | None,
) -> None:
    if not files:
        return
    ids = [row for row, _size, _mtime in files.values()]
    for rel in files:
        index.remove(space, rel)
    result.removed += len(ids)
    if removed is not None:
        removed(ids)
