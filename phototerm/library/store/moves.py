"""Photos renamed or moved on disk: what the stores keep about them follows them.

A photo is keyed by its path relative to its space's root, in its space's store (its state
and its photo shares) and in the album members and covers of every store (an album may hold
photos of both spaces). When a file moves, those keys are re-written to the new path, each
store in ONE write transaction that reads the rows it moves, so the rating, tags,
description, rotation and album places stay with the photo whoever else writes meanwhile.

Running the same moves twice is harmless: a path no row holds any more moves nothing. A
photo moved over another one replaces that one's state (the file it belonged to is gone);
in an album that held both, the photo keeps the place the other one had.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from phototerm.library.store.schema import StoreError, encode_rel

Pairs = Sequence[tuple[str, str]]  # (rel before, rel after), in the order they happened


class MovingStore(Protocol):
    """What ``rekey`` needs of a store (a Store; the Store calls ``move_keys``, so this
    module does not import it back)."""

    @property
    def writable(self) -> bool: ...

    def move_photos(self, space: str, pairs: Iterable[tuple[str, str]]) -> bool: ...


def move_keys(conn: sqlite3.Connection, own: bool, space: str, pairs: Pairs) -> set[str]:
    """Re-key ``space``'s photos in one open transaction; ``own``: the store is that space's
    (it holds their states and photo shares), else only album members and covers move.
    Returns the change-log kinds it touched ("photo", "album", "share")."""
    kinds: set[str] = set()
    for old, new in pairs:
        if old == new:
            continue
        before, after = encode_rel(old), encode_rel(new)
        if own:
            held = conn.execute("SELECT 1 FROM photo WHERE rel = ?", (before,)).fetchone()
            if held:
                conn.execute("DELETE FROM photo WHERE rel = ?", (after,))
                conn.execute("UPDATE photo SET rel = ? WHERE rel = ?", (after, before))
                kinds.add("photo")
            shared = conn.execute(
                "UPDATE share SET photo_rel = ? WHERE kind = 'photo' AND photo_rel = ?",
                (after, before),
            )
            if shared.rowcount:
                kinds.add("share")
        moved = conn.execute(
            "UPDATE OR IGNORE album_member SET rel = ? WHERE space = ? AND rel = ?",
            (after, space, before),
        ).rowcount
        # A member the UPDATE left: the album holds the photo at the new path already.
        moved += conn.execute(
            "DELETE FROM album_member WHERE space = ? AND rel = ?", (space, before)
        ).rowcount
        moved += conn.execute(
            "UPDATE album SET cover_rel = ? WHERE cover_space = ? AND cover_rel = ?",
            (after, space, before),
        ).rowcount
        if moved:
            kinds.add("album")
    return kinds


def rekey(stores: Mapping[str, MovingStore], space: str, pairs: Pairs) -> list[str]:
    """Move ``space``'s photos ``pairs`` in every store that may be written: the space's own
    first (states, shares, members), then the others (their members). Returns a line per
    store that could not be written (read-only stores are passed over: their session has no
    right to, and the next one that has does it)."""
    problems: list[str] = []
    if not pairs:
        return problems
    order = sorted(stores, key=lambda name: name != space)
    for name in order:
        store = stores[name]
        if not store.writable:
            continue
        try:
            store.move_photos(space, pairs)
        except StoreError as exc:
            problems.append(str(exc))
    return problems
