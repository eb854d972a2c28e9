"""Checking an index loaded from its snapshot against the disk: one walk and one stat per
file, and work only where something changed.

Each folder the walk lists is compared with the signature the last walk left for it
(listing.py). A folder that matches costs nothing more: no object per photo, no index write.
A folder that does not is compared file by file with the index's rows (size and mtime they
were read with) and with its old sidecars: changed files are read (in worker processes, as
the indexer does) and written over their row in place. Photos gone from their place and new
files are kept until the whole space is walked: a new file with the size and mtime of a
gone photo is that photo, moved or renamed (moves.py), and keeps its row's values and
overlays at its new path; the other new files are read, the other gone photos removed.
Folders that are gone take their photos with them (or to where they moved).

What a caller sees: ``batch`` gets the records read (new or changed), ``removed`` the
(space, rel) of the photos taken out of the index, ``progress`` the walk and the reading;
the result counts them and lists the moves, for the stores to follow
(``store.moves.rekey``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phototerm.library.ingest.indexer import CHUNK, IndexProgress, _Run, _Space
from phototerm.library.ingest.listing import Listing
from phototerm.library.ingest.moves import pair_moves, same_file
from phototerm.library.ingest.scanner import ScanEntry, ScanError, scan_listings
from phototerm.library.metadata.rows import Item
from phototerm.library.photo import Photo

if TYPE_CHECKING:
    from phototerm.library.index import Index
    from phototerm.library.spaces import SpaceRoot

Removed = Callable[[list[tuple[str, str]]], None]  # (space, rel) of photos taken out


@dataclass(slots=True)
class ReconcileResult:
    errors: list[ScanError] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: int = 0  # files whose folder had not changed, or whose file had not
    read: int = 0  # new or changed files read
    removed: int = 0
    listing: Listing = field(default_factory=Listing)  # what this walk saw
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # (space, from, to)

    @property
    def changed(self) -> bool:
        return bool(self.read or self.removed or self.moved)


@dataclass(slots=True)
class _Found:
    """One space's photos gone from their place and new files, until the walk is over."""

    gone: dict[str, tuple[int, int, float]] = field(default_factory=dict)  # rel -> id, size, mtime
    new: dict[str, ScanEntry] = field(default_factory=dict)


def reconcile(
    index: Index,
    spaces: Sequence[SpaceRoot],
    listing: Listing,
    *,
    workers: int | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
    batch: Callable[[list[Photo]], None] | None = None,
    removed: Removed | None = None,
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
            state = _Space(space, None)
            found = _Found()
            _walk(run, index, state, listing, new, result, found)
            _settle(run, index, state, found, result, removed)
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
    found: _Found,
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
            _compare(run, index, state, old, key, folder.entries(), found)
        run.report("scanning")
    # Folders the index knows that the walk no longer found: their photos are gone.
    for rel in index.folders_of(space):
        if rel not in seen:
            found.gone.update(index.folder_files(space, rel))


def _compare(
    run: _Run,
    index: Index,
    state: _Space,
    old: Listing,
    key: tuple[str, str],
    entries: Sequence[ScanEntry],
    found: _Found,
) -> None:
    """One changed folder, file by file."""
    space, folder = key
    known = index.folder_files(space, folder)
    old_sides = old.sidecars_in(key)
    retry = old.retry
    chunk: list[Item] = []
    for entry in entries:
        rel, size, mtime, sidecar = entry
        row = known.pop(rel, None)
        if row is None:
            found.new[rel] = entry  # new here, or moved here: told apart once all is walked
            continue
        if (
            row[1] == size
            and row[2] == mtime
            and old_sides.get(rel) == sidecar
            and (space, rel) not in retry
        ):
            run.cached += 1
            continue
        chunk.append(_item(state, entry))
        if len(chunk) >= CHUNK:
            run.enqueue(state, chunk)
            chunk = []
    if chunk:
        run.enqueue(state, chunk)
    found.gone.update(known)


def _settle(
    run: _Run,
    index: Index,
    state: _Space,
    found: _Found,
    result: ReconcileResult,
    removed: Removed | None,
) -> None:
    """One walked space: the moves among its gone photos and new files, then the rest."""
    space = state.name
    read_now: dict[str, Photo] = {}

    def same(gone_rel: str, new_rel: str) -> bool:
        record = read_now.get(new_rel)
        if record is None:
            entry = found.new[new_rel]
            item = _item(state, entry)
            from phototerm.library.metadata import reader  # only when moves are looked for

            record = read_now[new_rel] = reader.read(state.root, *item[:3], item[3], space)
        return same_file(index.get(found.gone[gone_rel][0]), record)

    pairs = pair_moves(
        [(rel, size, mtime) for rel, (_id, size, mtime) in found.gone.items()],
        [(rel, e.size, e.mtime) for rel, e in found.new.items()],
        same,
    )
    run.read += len(read_now)
    if pairs:
        index.move_many(space, pairs)
        result.moved += [(space, a, b) for a, b in pairs]
    chunk: list[Item] = []
    for gone_rel, new_rel in pairs:
        del found.gone[gone_rel]
        entry = found.new.pop(new_rel)
        if entry.sidecar is not None:  # its sidecar may say something else now: read it
            chunk.append(_item(state, entry))
    # New files read to compare them need no second read.
    run.pending_batch += [read_now[rel] for rel in found.new if rel in read_now]
    run.flush()
    chunk += [_item(state, entry) for rel, entry in found.new.items() if rel not in read_now]
    for start in range(0, len(chunk), CHUNK):
        run.enqueue(state, chunk[start : start + CHUNK])
    gone = [rel for rel in found.gone if index.remove(space, rel)]
    if gone:
        result.removed += len(gone)
        if removed is not None:
            removed([(space, rel) for rel in gone])


def _item(state: _Space, entry: ScanEntry) -> Item:
    rel, size, mtime, sidecar = entry
    return (rel, size, mtime, os.path.join(state.root, sidecar[0]) if sidecar else None)
