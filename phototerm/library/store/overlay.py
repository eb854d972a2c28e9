"""Putting what the stores hold on the index: the overlay of ratings, tags, descriptions and
rotations over the files' own values, and the albums under the names the user sees.

Used when a session starts (``load_overlay``) and by the Editor after every edit and every
refresh, so a fresh index and an edited one show the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from phototerm.library.index import Index
from phototerm.library.photo import PERSONAL
from phototerm.library.spaces import LABELS
from phototerm.library.store import AlbumRecord, PhotoState, Store, StoreError


def apply_state(
    index: Index, pid: int, state: PhotoState, previous: PhotoState | None = None
) -> None:
    """Put one stored state on the index; None values fall back to the file's own. With
    ``previous`` (what the index shows now), only what changed is passed (500-photo edits)."""
    if previous is None:
        index.set_override(
            pid, rating=state.rating, description=state.description, rotation=state.rotation
        )
        index.set_tags(pid, state.tags)
        return
    changes: dict[str, Any] = {}
    if state.rating != previous.rating:
        changes["rating"] = state.rating
    if state.description != previous.description:
        changes["description"] = state.description
    if state.rotation != previous.rotation:
        changes["rotation"] = state.rotation
    if changes:
        index.set_override(pid, **changes)
    if state.tags != previous.tags:
        index.set_tags(pid, state.tags)


def apply_stored(
    index: Index,
    stores: Mapping[str, Store],
    rels: Mapping[str, Iterable[str]],
    *,
    clear: bool = True,
) -> None:
    """Put on the index what the stores keep for these photos ({space: rels}); a store that
    cannot be read is passed over. ``clear=False`` leaves a photo with nothing stored as it
    is (a photo new on the index has no store values to take off)."""
    for space, space_rels in rels.items():
        store = stores.get(space)
        if store is None:
            continue
        try:
            states = store.get_states(space_rels)
        except StoreError:
            continue
        for rel, state in states.items():
            pid = index.id_of(space, rel)
            if pid is not None and (clear or not state.is_default):
                apply_state(index, pid, state)


def load_overlay(index: Index, stores: Mapping[str, Store], *, albums: bool = True) -> int:
    """Apply everything the stores hold to a freshly built index; returns how many photo
    records were applied. Photos not in the index (moved, space off) are skipped, and kept
    in the store."""
    applied = 0
    for space, store in stores.items():
        try:
            rows = list(store.overlay_rows())
        except StoreError:
            continue  # the store's status already says what is wrong
        applied += index.apply_overlay(space, rows)
    if albums:
        load_albums(index, stores)
    return applied


def load_albums(index: Index, stores: Mapping[str, Store]) -> None:
    """Every album of the stores onto the index, under the name it is shown by."""
    for shown, (_space, record) in album_table(stores).items():
        album_to_index(index, shown, record)


def album_table(stores: Mapping[str, Store]) -> dict[str, tuple[str, AlbumRecord]]:
    """Albums of all stores by the name shown. A name used in both spaces shows the shared
    one as "Name (Shared Space)"."""
    table: dict[str, tuple[str, AlbumRecord]] = {}
    # Personal first: the user's own album keeps the plain name.
    for space in sorted(stores, key=lambda s: (s != PERSONAL, s)):
        try:
            records = stores[space].albums.all()
        except StoreError:
            continue
        taken = {k.casefold() for k in table}
        for record in records:
            shown = record.name
            if shown.casefold() in taken:
                shown = f"{record.name} ({LABELS.get(space, space)})"
            table[shown] = (space, record)
    return table


def album_to_index(index: Index, shown: str, record: AlbumRecord) -> None:
    if record.query is not None:
        try:
            index.set_conditional_album(shown, record.query)
        except ValueError:  # a query this version cannot parse: show the album empty
            index.set_album(shown, [])
        return
    # Members not in the index (moved, space off) stay in the store, only unseen here.
    ids = [index.id_of(space, rel) for space, rel in record.members]
    index.set_album(shown, [i for i in ids if i is not None])
