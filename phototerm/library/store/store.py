"""The durable state of one space: ratings, tags, descriptions, rotation, albums, share records
and sort orders, in ``<root>/.phototerm/library.db``.

This module is the ``Store`` itself: opening, photo states, sort orders, the change log other
sessions poll, and the reset. Its parts ``albums`` (albums.py) and ``shares`` (shares.py) write
through the same ``Database`` (database.py); the file's schema and the rules for opening it in
a safe mode (read-only, damaged, newer) are in schema.py.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Self, TypeAlias

from phototerm.library.paths import space_data_dir
from phototerm.library.spaces import SpaceRoot
from phototerm.library.store.albums import AlbumStore
from phototerm.library.store.database import Database, SqlRow
from phototerm.library.store.moves import move_keys
from phototerm.library.store.schema import (
    DB_NAME,
    StoreError,
    StoreStatus,
    decode_rel,
    encode_rel,
    open_db,
)
from phototerm.library.store.shares import ShareStore
from phototerm.library.text import safe

# A stored photo as ``Store.overlay_rows`` lists it: (rel, rating, description, rotation,
# tags), None where phototerm has not set the value.
OverlayRow: TypeAlias = tuple[str, int | None, str | None, int, tuple[str, ...] | None]

_CHUNK = 500  # rels per statement: SQLite limits the '?' a statement may hold
_SELECT_STATES = "SELECT * FROM photo WHERE rel IN ({})"


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


class Store:
    """One space's store. Methods are thread-safe (one connection behind a lock)."""

    def __init__(
        self, space: str, root: str, path: str, conn: sqlite3.Connection, status: StoreStatus
    ) -> None:
        self.space = space
        self.root = root
        self.path = path
        self._db = Database(path, conn, status)
        self._read = self._db.read
        self._write = self._db.write
        self._log = self._db.log
        self.albums = AlbumStore(self._db)
        self.shares = ShareStore(self._db)

    @property
    def status(self) -> StoreStatus:
        return self._db.status

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
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def writable(self) -> bool:
        return self.status.writable

    def mark_unreadable(self, reason: str) -> None:
        """Record that reading the store failed after it opened (its status then says so,
        as for a store that could not be opened at all)."""
        self._db.status = dataclasses.replace(self.status, unreadable=True, message=reason)

    def repair(self) -> str:
        """Start a fresh store after moving an unusable one aside. Explicit, never automatic.

        Returns a message saying where the old file went. The old file's bytes are kept as
        they were (renamed to ``library.db.corrupt-<timestamp>``). Raises StoreError."""
        with self._db.lock:
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
            self._db.conn.close()
            # Take over the fresh store's connection: callers (Editor, Access) hold this object.
            fresh = Store.open(self.space, self.root)
            self._db.conn, self._db.status = fresh._db.conn, fresh._db.status
            return (
                f"{safe(self.path)} could not be used: moved aside to {safe(aside)}; "
                "a fresh store was started"
            )

    # -- photos -------------------------------------------------------------------------------

    def get_states(self, rels: Iterable[str]) -> dict[str, PhotoState]:
        """Stored state of each rel (a default PhotoState when nothing is stored)."""
        rels = list(dict.fromkeys(rels))
        out = dict.fromkeys(rels, _DEFAULT)
        for start in range(0, len(rels), _CHUNK):
            chunk = [encode_rel(r) for r in rels[start : start + _CHUNK]]
            for row in self._read(_SELECT_STATES.format(",".join("?" * len(chunk))), chunk):
                out[decode_rel(row[0])] = _state(row)
        return out

    def all_states(self) -> Iterator[tuple[str, PhotoState]]:
        for row in self._read("SELECT * FROM photo"):
            yield decode_rel(row[0]), _state(row)

    def overlay_rows(self) -> Iterator[OverlayRow]:
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

    def update_states(
        self, rels: Iterable[str], change: Callable[[str, PhotoState], PhotoState]
    ) -> tuple[dict[str, PhotoState], dict[str, PhotoState]]:
        """Read-modify-write: each rel's stored state goes through ``change(rel, state)``, and
        the results are written, all inside ONE write transaction. ``BEGIN IMMEDIATE`` holds
        the file's write lock from the read to the commit, so another session's edit lands
        wholly before or wholly after this one and nothing it wrote is overwritten with an
        old value. Returns (before, after): what was stored and what is stored now.

        ``change`` runs inside the transaction: it must be quick and must not touch a store."""
        rels = list(dict.fromkeys(rels))
        with self._write() as conn:
            before = _read_states(conn, rels)
            after = {rel: change(rel, state) for rel, state in before.items()}
            changed = {rel: s for rel, s in after.items() if s != before[rel]}
            if changed:
                _write_states(conn, changed)
                self._log(conn, "photo", changed.keys())
        return before, after

    def move_photos(self, space: str, pairs: Iterable[tuple[str, str]]) -> bool:
        """Photos of ``space`` renamed or moved on disk (rel before, rel after, in the order
        they happened): their rows here follow them, in ONE write transaction (moves.py).
        Returns whether anything moved."""
        pairs = list(pairs)
        with self._write() as conn:
            kinds = move_keys(conn, space == self.space, space, pairs)
            if "photo" in kinds:
                self._log(conn, "photo", [rel for pair in pairs for rel in pair])
            for kind in sorted(kinds - {"photo"}):
                self._log(conn, kind)
        return bool(kinds)

    def put_states(self, states: Mapping[str, PhotoState]) -> None:
        """Set exactly these states, in one durable transaction, whatever is stored now. For
        imports, tests and benchmarks: an edit goes through ``update_states``, which reads
        what it changes inside its own transaction."""
        with self._write() as conn:
            _write_states(conn, states)
            self._log(conn, "photo", states.keys())

    def count_states(self) -> int:
        return self._read("SELECT count(*) FROM photo")[0][0]

    # -- sort orders --------------------------------------------------------------------------

    def set_sort_order(self, view: str, key: str, descending: bool = False) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO sort_order(view, key, descending) VALUES (?,?,?)",
                (view, key, int(descending)),
            )
            self._log(conn, "sort")

    def sort_order(self, view: str) -> tuple[str, bool] | None:
        rows = self._read("SELECT key, descending FROM sort_order WHERE view = ?", (view,))
        return (rows[0][0], bool(rows[0][1])) if rows else None

    def sort_orders(self) -> dict[str, tuple[str, bool]]:
        return {v: (k, bool(d)) for v, k, d in self._read("SELECT * FROM sort_order")}

    # -- reset (Synology's uninstall wizard) --------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many of each kind of record the store holds (for reset's confirmation)."""
        q = self._read
        return {
            "albums": q("SELECT count(*) FROM album")[0][0],
            "conditional": q("SELECT count(*) FROM album WHERE query IS NOT NULL")[0][0],
            "links": q("SELECT count(*) FROM share")[0][0],
            "sort_orders": q("SELECT count(*) FROM sort_order")[0][0],
            "photos": q("SELECT count(*) FROM photo")[0][0],
        }

    def reset(
        self, *, albums: bool = False, links: bool = False, sort_orders: bool = False
    ) -> None:
        with self._write() as conn:
            if links or albums:  # an album's links cannot outlive it
                conn.execute("DELETE FROM share")
            if albums:
                conn.execute("DELETE FROM album_member")
                conn.execute("DELETE FROM album")
            if sort_orders:
                conn.execute("DELETE FROM sort_order")
            self._log(conn, "all")

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


def _read_states(conn: sqlite3.Connection, rels: list[str]) -> dict[str, PhotoState]:
    """``Store.get_states`` inside a transaction that is already open."""
    out = dict.fromkeys(rels, _DEFAULT)
    for start in range(0, len(rels), _CHUNK):
        chunk = [encode_rel(r) for r in rels[start : start + _CHUNK]]
        for row in conn.execute(_SELECT_STATES.format(",".join("?" * len(chunk))), chunk):
            out[decode_rel(row[0])] = _state(row)
    return out


def _write_states(conn: sqlite3.Connection, states: Mapping[str, PhotoState]) -> None:
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


def _state(row: SqlRow) -> PhotoState:
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
