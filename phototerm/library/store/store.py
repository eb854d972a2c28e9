"""The durable state of one space: ratings, tags, descriptions, rotation, albums, share records
and sort orders, in ``<root>/.phototerm/library.db``.

This module is the ``Store`` itself: opening, the locked transactions every edit goes through,
photo states and the change log other sessions poll. The file's schema and the rules for
opening it in a safe mode (read-only, damaged, newer) are in ``store_schema``; albums, shares
and sort orders in ``store_albums``. Their public names are re-exported here, so callers import
everything from ``phototerm.library.store``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Self

from phototerm.library.paths import space_data_dir
from phototerm.library.spaces import SpaceRoot
from phototerm.library.store.albums import AlbumRecord, AlbumStore, ShareRecord
from phototerm.library.store.schema import (
    BUSY_TIMEOUT_MS,
    DB_NAME,
    SCHEMA_VERSION,
    StoreError,
    StoreReadOnly,
    StoreStatus,
    decode_rel,
    encode_rel,
    open_db,
    transaction,
)
from phototerm.library.text import safe

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_NAME",
    "SCHEMA_VERSION",
    "AlbumRecord",
    "Changes",
    "PhotoState",
    "ShareRecord",
    "Store",
    "StoreError",
    "StoreReadOnly",
    "StoreStatus",
    "decode_rel",
    "encode_rel",
    "open_store",
]

CHANGELOG_KEEP = 50_000  # rows kept for changes_since(); an older token means "reload all"
PRUNE_EVERY = 256  # prune the change log when its sequence crosses a multiple of this


@dataclass(frozen=True, slots=True)
class PhotoState:
    """What the store holds for one photo. None = not set in phototerm: the file's value applies."""

    rating: int | None = None
    description: str | None = None
    rotation: int = 0
    tags: tuple[str, ...] | None = None

    @property
    def is_default(self) -> bool:
        return self == _DEFAULT


_DEFAULT = PhotoState()


@dataclass(frozen=True, slots=True)
class Changes:
    """What other sessions changed since a token (see ``Store.changes_since``)."""

    token: int
    rels: frozenset[str] = frozenset()
    albums: bool = False  # album list, members, covers, queries
    other: bool = False  # shares, sort orders
    everything: bool = False  # a reset, or the token is too old: reload all

    def __bool__(self) -> bool:
        return bool(self.rels or self.albums or self.other or self.everything)


class Store(AlbumStore):
    """One space's store. Methods are thread-safe (one connection behind a lock)."""

    def __init__(
        self, space: str, root: str, path: str, conn: sqlite3.Connection, status: StoreStatus
    ) -> None:
        self.space = space
        self.root = root
        self.path = path
        self.status = status
        self._conn = conn
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, space: str, root: str, *, read_only: bool = False) -> Store:
        """Open (or create) the store of the space rooted at ``root``. Never raises for a bad
        store: the result is then read-only and ``status.message`` says why."""
        root = os.path.abspath(root)
        path = os.path.join(str(space_data_dir(root)), DB_NAME)
        conn, status = open_db(space, root, path, read_only=read_only)
        return cls(space, root, path, conn, status)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def writable(self) -> bool:
        return self.status.writable

    def repair(self) -> str:
        """Start a fresh store after moving an unusable one aside. Explicit, never automatic.

        Returns a message saying where the old file went. The old file's bytes are kept as
        they were (renamed to ``library.db.corrupt-<timestamp>``). Raises StoreError."""
        with self._lock:
            if not os.path.exists(self.path):
                return "nothing to repair"
            stamp = time.strftime("%Y%m%d-%H%M%S")
            aside = f"{self.path}.corrupt-{stamp}"
            if os.path.exists(aside):
                raise StoreError(f"Cannot repair {safe(self.path)}: {safe(aside)} exists")
            try:
                os.rename(self.path, aside)
            except OSError as exc:
                raise StoreError(f"Cannot repair {safe(self.path)}: {exc.strerror}") from exc
            self._conn.close()
            # Take over the fresh store's connection: callers (Editor, Access) hold this object.
            fresh = Store.open(self.space, self.root)
            self._conn, self.status = fresh._conn, fresh.status
            return (
                f"{safe(self.path)} could not be used: moved aside to {safe(aside)}; "
                "a fresh store was started"
            )

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One durable transaction (see ``store_schema.transaction``); a database error
        comes out as a StoreError naming the file."""
        if not self.status.writable:
            raise StoreReadOnly(self.status.message or f"{safe(self.path)} is read-only")
        with self._lock:
            try:
                with transaction(self._conn) as conn:
                    yield conn
            except sqlite3.Error as exc:
                raise StoreError(f"Could not save to {safe(self.path)}: {exc}") from exc

    def _read(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"Could not read {safe(self.path)}: {exc}") from exc

    @staticmethod
    def _log(conn: sqlite3.Connection, kind: str, rels: Iterable[str] = (None,)) -> None:
        """Record what a write changed, in its own transaction, for other sessions'
        ``changes_since``. Pruned now and then, not on every write (a DELETE per edit would
        cost more than the edit)."""
        rows = [(kind, None if r is None else encode_rel(r)) for r in rels]
        conn.executemany("INSERT INTO changelog(kind, rel) VALUES (?, ?)", rows)
        last = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        if (last - len(rows)) // PRUNE_EVERY != last // PRUNE_EVERY:  # now and then
            conn.execute("DELETE FROM changelog WHERE seq <= ?", (last - CHANGELOG_KEEP,))

    # -- photos -------------------------------------------------------------------------------

    def get_states(self, rels: Iterable[str]) -> dict[str, PhotoState]:
        """Stored state of each rel (a default PhotoState when nothing is stored)."""
        rels = list(dict.fromkeys(rels))
        out = dict.fromkeys(rels, _DEFAULT)
        for start in range(0, len(rels), 500):  # SQLite limits the '?' per statement
            chunk = [encode_rel(r) for r in rels[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            for row in self._read(f"SELECT * FROM photo WHERE rel IN ({marks})", chunk):
                out[decode_rel(row[0])] = _state(row)
        return out

    def all_states(self) -> Iterator[tuple[str, PhotoState]]:
        for row in self._read("SELECT * FROM photo"):
            yield decode_rel(row[0]), _state(row)

    def overlay_rows(
        self,
    ) -> Iterator[tuple[str, int | None, str | None, int, tuple[str, ...] | None]]:
        """Every stored photo as a plain tuple (rel, rating, description, rotation, tags):
        the fast path for loading 100k records into the index (no PhotoState objects)."""
        for rel, rating, description, rotation, tags in self._read("SELECT * FROM photo"):
            yield (
                rel if type(rel) is str else decode_rel(rel),  # skips a call for most rows
                rating,
                description,
                rotation if rotation in (0, 90, 180, 270) else 0,
                None if tags is None else _split_tags(tags),
            )

    def put_states(self, states: Mapping[str, PhotoState]) -> None:
        """Set exactly these states, in one durable transaction."""
        keep = [
            (
                encode_rel(r),
                s.rating,
                None if s.description is None else _text(s.description),
                s.rotation,
                None if s.tags is None else _join_tags(s.tags),
            )
            for r, s in states.items()
            if not s.is_default
        ]
        drop = [(encode_rel(r),) for r, s in states.items() if s.is_default]
        with self._write() as conn:
            if keep:
                conn.executemany(
                    "INSERT INTO photo(rel, rating, description, rotation, tags) "
                    "VALUES (?,?,?,?,?) ON CONFLICT(rel) DO UPDATE SET rating=excluded.rating, "
                    "description=excluded.description, rotation=excluded.rotation, "
                    "tags=excluded.tags",
                    keep,
                )
            if drop:
                conn.executemany("DELETE FROM photo WHERE rel = ?", drop)
            self._log(conn, "photo", states.keys())

    def count_states(self) -> int:
        return self._read("SELECT count(*) FROM photo")[0][0]

    # -- other sessions' edits ----------------------------------------------------------------

    def change_token(self) -> int:
        rows = self._read("SELECT seq FROM sqlite_sequence WHERE name = 'changelog'")
        return rows[0][0] if rows else 0

    def changes_since(self, token: int) -> Changes:
        """What was committed (by any session) after ``token``; cheap enough to poll every
        0.5 s (one primary-key range read). Our own edits show up too: applying them again
        is harmless, and it keeps one code path."""
        rows = self._read(
            "SELECT seq, kind, rel FROM changelog WHERE seq > ? ORDER BY seq", (token,)
        )
        if not rows:
            return Changes(token)
        # Rows between the token and the oldest kept one were pruned: we cannot say what
        # changed, so the caller reloads everything.
        everything = rows[0][0] > token + 1
        rels = frozenset(decode_rel(r) for _, k, r in rows if k == "photo" and r is not None)
        kinds = {k for _, k, _ in rows}
        return Changes(
            rows[-1][0],
            rels,
            albums="album" in kinds,
            other=bool(kinds & {"share", "sort"}),
            everything=everything or "all" in kinds,
        )


def open_store(space: SpaceRoot, *, read_only: bool = False) -> Store:
    return Store.open(space.name, space.root, read_only=read_only)


def _state(row: tuple) -> PhotoState:
    tags = None if row[4] is None else _split_tags(row[4])
    rotation = row[3] if row[3] in (0, 90, 180, 270) else 0  # a file from elsewhere may lie
    return PhotoState(row[1], row[2], rotation, tags)


# Tags are stored one per line (JSON costs 2 us a row to decode, too slow for 100k at start).
# A tag never holds a newline or a lone surrogate (they cannot be stored as TEXT): the Editor
# cleans them, and _text() makes sure of it here.
_SURROGATES = re.compile("[\ud800-\udfff]")


def _join_tags(tags: Iterable[str]) -> str:
    return "\n".join(_text(t).replace("\n", " ") for t in tags)


def _split_tags(value: object) -> tuple[str, ...]:
    if not isinstance(value, str) or not value:
        return ()
    return tuple(value.split("\n"))


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)
    return value
