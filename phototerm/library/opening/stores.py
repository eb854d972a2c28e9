"""The stores of a library being opened: opened and read on a thread of their own while the
disk is walked, and their rows put on the index as the photos arrive (opening.py's helpers).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence

from phototerm.library.index import Index
from phototerm.library.photo import Photo
from phototerm.library.roles import Access, Identity, Role
from phototerm.library.spaces import SpaceSetup
from phototerm.library.store import OverlayRow, Store, StoreError, open_store
from phototerm.library.store.moves import rekey
from phototerm.library.store.overlay import apply_stored


def apply_states(index: Index, opening: StoresOpening, fresh: dict[str, list[str]]) -> None:
    """The stored states of the photos read anew (taken out of ``fresh``)."""
    taken = {space: rels for space, rels in fresh.items() if rels}
    fresh.clear()
    apply_stored(index, opening.stores(), taken)


def catch_up(index: Index, pending: dict[str, dict[str, OverlayRow]]) -> None:
    """The stored rows of the photos indexed before the stores were open, taken out of
    ``pending``."""
    for space, rows in pending.items():
        known = [row for rel, row in rows.items() if index.id_of(space, rel) is not None]
        for row in known:
            del rows[row[0]]
        if known:
            index.apply_overlay(space, known)


def apply_rows(
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


def follow_moves(
    setup: SpaceSetup,
    stores: Mapping[str, Store],
    moves: Sequence[tuple[str, str, str]],
    identity: Identity,
) -> list[str]:
    """The stores' rows follow photos the walk found moved ((space, from, to), in order).

    A store opened read-only for this session (``ls`` reads, it does not edit) is opened for
    writing for the moment it takes, when the person's role there is manage: the edits
    belong to the photo wherever it went, and the next session would find nothing left to
    tell it was a move. Returns a line per store that could not be written."""
    by_space: dict[str, list[tuple[str, str]]] = {}
    for name, old, new in moves:
        by_space.setdefault(name, []).append((old, new))
    roles = Access(identity, {}, roots={s.name: s.root for s in setup.on})
    writers: dict[str, Store] = {}
    opened: list[Store] = []
    try:
        for space in setup.on:
            store = stores.get(space.name)
            if store is not None and store.writable:
                writers[space.name] = store
            elif (
                store is not None
                and not store.status.unreadable
                and roles.role(space.name) >= Role.MANAGE
            ):
                extra = open_store(space)
                opened.append(extra)
                if extra.writable:
                    writers[space.name] = extra
        problems: list[str] = []
        for space_name, pairs in by_space.items():
            problems += rekey(writers, space_name, pairs)
        return problems
    finally:
        for extra in opened:
            extra.close()


class StoresOpening:
    """The stores opened and read on a thread, while the caller indexes."""

    def __init__(
        self, setup: SpaceSetup, read_only: Collection[str], read_rows: bool = True
    ) -> None:
        """``read_only``: the spaces whose store opens read-only (the others for edits)."""
        self.done = threading.Event()
        self._read_rows = read_rows
        self._stores: dict[str, Store] = {}
        self._tokens: dict[str, int] = {}
        self._rows: dict[str, dict[str, OverlayRow]] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._open, args=(setup, read_only), name="opening the stores", daemon=True
        )
        self._thread.start()

    def _open(self, setup: SpaceSetup, read_only: Collection[str]) -> None:
        try:
            for space in setup.on:
                store = open_store(space, read_only=space.name in read_only)
                self._stores[space.name] = store
                # Taken before the rows are read: a refresh from here catches up the rest.
                self._tokens[space.name] = token_of(store)
                try:
                    if self._read_rows:
                        self._rows[space.name] = {row[0]: row for row in store.overlay_rows()}
                    else:  # the saved index has the rows; still, the file must be readable
                        store.count_states()
                except StoreError as exc:
                    store.mark_unreadable(str(exc))
                    self._rows[space.name] = {}
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by result()
            self._error = exc
        finally:
            self.done.set()

    def stores(self) -> dict[str, Store]:
        """(Once ``done`` is set.) The stores opened so far."""
        return dict(self._stores)

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


def token_of(store: Store) -> int:
    try:
        return store.change_token()
    except StoreError:
        return 0
