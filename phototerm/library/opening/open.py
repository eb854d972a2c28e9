"""Opening a library: the index loaded or built, the stores read onto it, an Editor.

This is the one way in for every caller (each CLI sub-command, the TUI, the benchmarks), so a
script and a key see the same library. The steps, in the order that keeps the result right:

1. the index is loaded from its snapshot (index/snapshot.py) when there is a usable one: the
   photos, and the store's ratings, tags... as they were when it was saved; a caller can show
   it at once (``on_loaded``);
2. the stores open on a thread of their own while the disk is walked: with a snapshot, only
   what changed since is read and written over its row (ingest/reconcile.py); without one,
   every space is indexed (ingest/indexer.py), each batch taking its stored rating, tags,
   description and rotation as it arrives, so a caller watching the index never sees a
   file's value replaced a moment later;
3. once that is over: the overlays brought up to date (from the snapshot's store tokens, the
   change log says what other sessions did since; a store that is not the one the snapshot
   saw is applied whole), the albums, the Editor;
4. the snapshot saved again when anything changed (never when ``write_cache`` is False).

A space's store opens for writing only when edits were asked for and the person's role there
is manage: a viewer's session creates and writes nothing in the space, whatever the file
permissions would allow.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from phototerm.library import paths
from phototerm.library.edits import Editor
from phototerm.library.index import Index, snapshot
from phototerm.library.ingest.indexer import IndexProgress, IndexResult, index_spaces
from phototerm.library.ingest.listing import Listing
from phototerm.library.ingest.reconcile import reconcile
from phototerm.library.opening.library import Library, store_identity
from phototerm.library.opening.stores import (
    StoresOpening,
    apply_rows,
    apply_states,
    catch_up,
    follow_moves,
)
from phototerm.library.photo import Photo
from phototerm.library.roles import Access, Identity, Role
from phototerm.library.settings import Settings
from phototerm.library.spaces import SpaceSetup
from phototerm.library.store import OverlayRow, Store, StoreError
from phototerm.library.store.overlay import load_albums


def open_library(
    settings: Settings,
    setup: SpaceSetup,
    *,
    with_stores: bool = True,
    writable: bool = False,
    write_cache: bool = True,
    index: Index | None = None,
    cache_dir: str | None = None,
    identity: Identity | None = None,
    on_progress: Callable[[IndexProgress], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    on_loaded: Callable[[int], None] | None = None,
    before_rescan: Callable[[], None] | None = None,
    rescan: bool = True,
    preloaded: snapshot.Loaded | None = None,
) -> Library:
    """Open ``setup``'s spaces. ``index``: an (empty) index to fill, which a caller may show
    while it fills; ``on_loaded(n)`` is called once the snapshot's ``n`` photos are on it,
    ``on_batch(n)`` after each change of ``n`` photos (from this thread). ``before_rescan``
    runs between the two (a browser waits there until its first screen is drawn).
    ``rescan=False`` answers from the snapshot alone when there is one (no walk).
    ``writable`` opens the stores for edits (else read-only, and the Editor refuses every
    edit); ``write_cache=False`` writes no cache or snapshot, so nothing at all is written
    (kiosk, view-only sessions). ``cache_dir``: the caches' folder (default: the XDG cache).
    ``preloaded``: what ``load_snapshot`` gave (a caller that loaded it early, on a thread of
    its own); its index may already be ``index`` itself. ``identity``: who is acting
    (default: whom ``setup`` was resolved for, else the user running phototerm)."""
    index = index if index is not None else Index()
    identity = identity or setup.identity or Identity.current()
    roles = Access(identity, {}, roots={s.name: s.root for s in setup.on})
    read_only = {s.name for s in setup.on if not writable or roles.role(s.name) < Role.MANAGE}
    cache = cache_dir if cache_dir is not None else str(paths.cache_dir())
    roots = [(space.name, space.root) for space in setup.on]
    snap_path = snapshot.snapshot_file(cache, roots)
    loaded = preloaded if preloaded is not None else load_snapshot(setup, cache)
    problems = [f"index snapshot ignored ({loaded.problem}); rebuilt"] if loaded.problem else []
    if loaded.index is not None:
        if loaded.index is not index:
            index.adopt(loaded.index)
        index.set_pairing(settings.pair_raw_jpeg)
        if on_loaded is not None:
            on_loaded(len(index))
    else:
        index.set_pairing(settings.pair_raw_jpeg)
    opening = StoresOpening(setup, read_only, loaded.index is None) if with_stores else None
    try:
        if loaded.index is not None:
            return _from_snapshot(
                settings, setup, index, loaded, opening, snap_path, cache, problems,
                write_cache=write_cache, writable=writable, identity=identity,
                on_progress=on_progress, on_batch=on_batch, before_rescan=before_rescan,
                rescan=rescan,
            )  # fmt: skip
        return _build(
            settings, setup, index, opening, snap_path, cache, problems,
            write_cache=write_cache, writable=writable, identity=identity,
            on_progress=on_progress, on_batch=on_batch,
        )  # fmt: skip
    except BaseException:
        if opening is not None:
            opening.close()
        raise


def load_snapshot(setup: SpaceSetup, cache_dir: str | None = None) -> snapshot.Loaded:
    """The saved index of ``setup``'s spaces (or why there is none); never raises."""
    if not setup.on:
        return snapshot.Loaded(None)
    cache = cache_dir if cache_dir is not None else str(paths.cache_dir())
    roots = [(space.name, space.root) for space in setup.on]
    return snapshot.load(snapshot.snapshot_file(cache, roots), roots)


def _build(
    settings: Settings,
    setup: SpaceSetup,
    index: Index,
    opening: StoresOpening | None,
    snap_path: os.PathLike[str],
    cache: str,
    problems: list[str],
    *,
    write_cache: bool,
    writable: bool,
    identity: Identity,
    on_progress: Callable[[IndexProgress], None] | None,
    on_batch: Callable[[int], None] | None,
) -> Library:
    """No usable snapshot: index every space, each batch with its stored values."""
    pending: dict[str, dict[str, OverlayRow]] | None = None

    def batch(photos: list[Photo]) -> None:
        nonlocal pending
        index.add_many(photos)
        if opening is not None:
            if pending is None and opening.done.is_set():
                pending = opening.rows()
                catch_up(index, pending)
            if pending is not None:
                apply_rows(index, pending, photos)
        if on_batch is not None:
            on_batch(len(photos))

    scan = index_spaces(
        setup.on,
        cache,
        progress=on_progress,
        batch=batch,
        read_only=not write_cache,
        keep_photos=False,
    )
    library = Library(settings, setup, index, {}, None, scan, writable)
    library.problems.extend(problems + scan.cache_problems)
    library.changed = len(index)
    if opening is not None:
        stores, opened_tokens = opening.result()
        if pending is None:  # the stores were not open before the last batch: apply all at once
            for space, rows in opening.rows().items():
                index.apply_overlay(space, list(rows.values()))
        _finish(library, opening, stores, opened_tokens, identity)
    library.listing = scan.listing
    if write_cache and setup.on:
        _save(library, snap_path, scan.listing)
    return library


def _from_snapshot(
    settings: Settings,
    setup: SpaceSetup,
    index: Index,
    loaded: snapshot.Loaded,
    opening: StoresOpening | None,
    snap_path: os.PathLike[str],
    cache: str,
    problems: list[str],
    *,
    write_cache: bool,
    writable: bool,
    identity: Identity,
    on_progress: Callable[[IndexProgress], None] | None,
    on_batch: Callable[[int], None] | None,
    before_rescan: Callable[[], None] | None,
    rescan: bool,
) -> Library:
    """The snapshot is on the index: check it against the disk, then the stores."""
    listing = Listing.from_extra(loaded.extra)
    fresh: dict[str, list[str]] = {}  # space -> rels read anew, whose stored state to apply

    def batch(photos: list[Photo]) -> None:
        index.add_many(photos)
        for photo in photos:
            fresh.setdefault(photo.space, []).append(photo.rel)
        if opening is not None and opening.done.is_set():
            apply_states(index, opening, fresh)
        if on_batch is not None:
            on_batch(len(photos))

    def removed(gone: list[tuple[str, str]]) -> None:
        if on_batch is not None:
            on_batch(len(gone))

    changed = 0
    moves: list[tuple[str, str, str]] = []
    if rescan:
        if before_rescan is not None:
            before_rescan()
        result = reconcile(
            index, setup.on, listing, progress=on_progress, batch=batch, removed=removed
        )
        scan = IndexResult([], result.errors, result.seconds, result.unchanged, result.read)
        listing = result.listing
        moves = result.moved
        changed = result.read + result.removed + len(moves)
    else:
        scan = IndexResult([], [], 0.0, len(index), 0)
    library = Library(settings, setup, index, {}, None, scan, writable, problems)
    library.from_snapshot = True
    library.changed = changed
    tokens: dict[str, tuple[int, int]] = {
        space: (int(token[0]), int(token[1])) for space, token in loaded.tokens.items()
    }
    library.saved_tokens = tokens
    if opening is not None:
        stores, opened_tokens = opening.result()
        if moves and write_cache:
            problems += follow_moves(setup, stores, moves, identity)
        apply_states(index, opening, fresh)
        start: dict[str, int] = {}
        for space, store in stores.items():
            saved = tokens.get(space)
            now = (opened_tokens.get(space, 0), store_identity(store))
            if saved is not None and saved[1] == now[1] and saved[0] <= now[0]:
                start[space] = saved[0]  # the change log says what happened since
                continue
            # Another store than the snapshot saw (replaced, reset, first use): all of it.
            index.clear_overlays(space)
            try:
                index.apply_overlay(space, list(store.overlay_rows()))
            except StoreError as exc:
                store.mark_unreadable(str(exc))
            start[space] = now[0]
            changed += 1
        _finish(library, opening, stores, start, identity)
    library.listing = listing
    if write_cache:
        library.snapshot_path = Path(snap_path)
    # Edits other sessions made are not worth a new snapshot: the next start replays them
    # from the change log as this one did.
    if write_cache and rescan and changed:
        _save(library, snap_path, listing)
    return library


def _finish(
    library: Library,
    opening: StoresOpening,
    stores: dict[str, Store],
    tokens: Mapping[str, int],
    identity: Identity,
) -> None:
    """Albums, the Editor, and what other sessions committed since ``tokens``."""
    index = library.index
    load_albums(index, stores)
    editor = Editor(index, stores, identity, library.settings, tokens=tokens)
    editor.refresh()
    library.stores, library.editor = stores, editor
    library.problems.extend(s.status.message for s in stores.values() if s.status.message)


def _save(library: Library, path: os.PathLike[str], listing: Listing) -> None:
    library.snapshot_path = Path(path)
    library.listing = listing
    problem = library.save_snapshot()
    if problem:
        library.problems.append(f"index snapshot not saved: {problem}")
