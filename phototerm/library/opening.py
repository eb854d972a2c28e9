"""Opening a library: the spaces indexed, their stores read onto the index, an Editor.

This is the one way in for every caller (each CLI sub-command, the TUI, the benchmarks), so a
script and a key see the same library. The steps, in the order that keeps the result right:

1. the stores open on a thread of their own (checking and reading a big store takes most of
   a second) while the spaces are walked and read into the index;
2. each batch of indexed photos takes its stored rating, tags, description and rotation as it
   arrives, so a caller watching the index never sees a file's value replaced a moment later;
3. once indexing is over: the albums (their members are all known then), the Editor, and
   what other sessions committed meanwhile (the Editor's change tokens predate the rows read).

A space's store opens for writing only when edits were asked for and the person's role there
is manage: a viewer's session creates and writes nothing in the space, whatever the file
permissions would allow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from phototerm.library import paths
from phototerm.library.edits import Editor
from phototerm.library.index import Index
from phototerm.library.ingest.indexer import IndexProgress, IndexResult, index_spaces
from phototerm.library.photo import Photo
from phototerm.library.roles import Access, Identity, Role
from phototerm.library.settings import Settings
from phototerm.library.spaces import SpaceSetup
from phototerm.library.store import OverlayRow, Store, StoreError, StoreStatus, open_store
from phototerm.library.store.overlay import load_albums


@dataclass
class Library:
    """An open library. Close it (or use ``with``) to close its stores."""

    settings: Settings
    setup: SpaceSetup
    index: Index
    stores: dict[str, Store]
    editor: Editor | None  # None when opened without stores
    scan: IndexResult
    writable: bool = False  # the stores were opened for edits
    problems: list[str] = field(default_factory=list)  # stores that cannot be read, caches

    @property
    def unreadable_stores(self) -> dict[str, StoreStatus]:
        """The spaces whose store file is there but could not be read (space name -> its
        status; ``message`` names the file and says why). Their ratings, tags and albums
        are not on the index: a search by them is incomplete, and a read-only command
        should say so rather than print a partial answer. A space with no store yet is
        not listed."""
        return {name: s.status for name, s in self.stores.items() if s.status.unreadable}

    def close(self) -> None:
        for store in self.stores.values():
            store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


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
) -> Library:
    """Open ``setup``'s spaces. ``index``: an (empty) index to fill, which a caller may show
    while it fills; ``on_batch(n)`` is called after each batch of ``n`` photos is on it (from
    this thread). ``writable`` opens the stores for edits (else read-only, and the Editor
    refuses every edit); ``write_cache=False`` writes no metadata cache either, so nothing at
    all is written (kiosk, view-only sessions). ``cache_dir``: the metadata cache's folder
    (default: the XDG cache). ``identity``: who is acting (default: whom ``setup`` was
    resolved for, else the user running phototerm)."""
    index = index if index is not None else Index()
    cache = cache_dir if cache_dir is not None else str(paths.cache_dir())
    identity = identity or setup.identity or Identity.current()
    roles = Access(identity, {}, roots={s.name: s.root for s in setup.on})
    read_only = {s.name for s in setup.on if not writable or roles.role(s.name) < Role.MANAGE}
    opening = _StoresOpening(setup, read_only) if with_stores else None
    pending: dict[str, dict[str, OverlayRow]] | None = None

    def batch(photos: list[Photo]) -> None:
        nonlocal pending
        index.add_many(photos)
        if opening is not None:
            if pending is None and opening.done.is_set():
                pending = opening.rows()
                _catch_up(index, pending)
            if pending is not None:
                _apply_rows(index, pending, photos)
        if on_batch is not None:
            on_batch(len(photos))

    try:
        scan = index_spaces(
            setup.on,
            cache,
            progress=on_progress,
            batch=batch,
            read_only=not write_cache,
            keep_photos=False,
        )
    except BaseException:
        if opening is not None:
            opening.close()
        raise
    library = Library(settings, setup, index, {}, None, scan, writable)
    library.problems.extend(scan.cache_problems)
    if opening is None:
        return library
    stores, tokens = opening.result()
    if pending is None:  # the stores were not open before the last batch: apply all at once
        for space, rows in opening.rows().items():
            index.apply_overlay(space, list(rows.values()))
    load_albums(index, stores)
    editor = Editor(index, stores, identity, settings, tokens=tokens)
    editor.refresh()
    library.stores, library.editor = stores, editor
    library.problems.extend(s.status.message for s in stores.values() if s.status.message)
    return library


def _catch_up(index: Index, pending: dict[str, dict[str, OverlayRow]]) -> None:
    """The stored rows of the photos indexed before the stores were open, taken out of
    ``pending``."""
    for space, rows in pending.items():
        known = [row for rel, row in rows.items() if index.id_of(space, rel) is not None]
        for row in known:
            del rows[row[0]]
        if known:
            index.apply_overlay(space, known)


def _apply_rows(
    index: Index, pending: dict[str, dict[str, OverlayRow]], photos: list[Photo]
) -> None:
    """The stored rows of ``photos`` onto the index, taken out of ``pending``."""
    by_space: dict[str, list[OverlayRow]] = {}
    for photo in photos:
        row = pending.get(photo.space, {}).pop(photo.rel, None)
        if row is not None:
            by_space.setdefault(photo.space, []).append(row)
    for space, rows in by_space.items():
        index.apply_overlay(space, rows)


class _StoresOpening:
    """The stores opened and read on a thread, while the caller indexes."""

    def __init__(self, setup: SpaceSetup, read_only: set[str]) -> None:
        self.done = threading.Event()
        self._stores: dict[str, Store] = {}
        self._tokens: dict[str, int] = {}
        self._rows: dict[str, dict[str, OverlayRow]] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._open, args=(setup, read_only), name="opening the stores", daemon=True
        )
        self._thread.start()

    def _open(self, setup: SpaceSetup, read_only: set[str]) -> None:
        try:
            for space in setup.on:
                store = open_store(space, read_only=space.name in read_only)
                self._stores[space.name] = store
                # Taken before the rows are read: a refresh from here catches up the rest.
                self._tokens[space.name] = _token(store)
                try:
                    self._rows[space.name] = {row[0]: row for row in store.overlay_rows()}
                except StoreError as exc:
                    store.mark_unreadable(str(exc))
                    self._rows[space.name] = {}
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by result()
            self._error = exc
        finally:
            self.done.set()

    def rows(self) -> dict[str, dict[str, OverlayRow]]:
        self.done.wait()
        return self._rows

    def result(self) -> tuple[dict[str, Store], Mapping[str, int]]:
        self._thread.join()
        if self._error is not None:
            self.close()
            raise self._error
        return self._stores, self._tokens

    def close(self) -> None:
        self._thread.join()
        for store in self._stores.values():
            store.close()


def _token(store: Store) -> int:
    try:
        return store.change_token()
    except StoreError:
        return 0
