"""One space's database connection: locked reads, durable write transactions and the change
log that other sessions poll. The store's parts (photo states, albums, shares) all write
through one ``Database``, so every change is one transaction other sessions see; the album
lookup they share (``album_id``) is here too, below both.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

from phototerm.library.store.schema import (
    StoreError,
    StoreReadOnly,
    StoreStatus,
    encode_rel,
    transaction,
)
from phototerm.library.text import safe

# One row of a query, its columns as SQLite returns them (int, float, str, bytes or None).
SqlRow: TypeAlias = tuple[Any, ...]

CHANGELOG_KEEP = 50_000  # rows kept for changes_since(); an older token means "reload all"
PRUNE_EVERY = 256  # prune the change log when its sequence crosses a multiple of this


class Database:
    """Thread-safe: one connection behind a lock."""

    def __init__(self, path: str, conn: sqlite3.Connection, status: StoreStatus) -> None:
        self.path = path
        self.conn = conn
        self.status = status
        self.lock = threading.RLock()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One durable transaction (see ``schema.transaction``); a database error comes out
        as a StoreError naming the file."""
        if not self.status.writable:
            raise StoreReadOnly(self.status.message or f"{safe(self.path)} is read-only")
        with self.lock:
            try:
                with transaction(self.conn) as conn:
                    yield conn
            except sqlite3.Error as exc:
                raise StoreError(f"Could not save to {safe(self.path)}: {exc}") from exc

    def read(self, sql: str, params: Iterable[object] = ()) -> list[SqlRow]:
        with self.lock:
            try:
                return self.conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"Could not read {safe(self.path)}: {exc}") from exc

    @staticmethod
    def log(conn: sqlite3.Connection, kind: str, rels: Iterable[str | None] = (None,)) -> None:
        """Record what a write changed, in its own transaction, for other sessions'
        ``changes_since``. Pruned now and then, not on every write (a DELETE per edit would
        cost more than the edit)."""
        rows = [(kind, None if r is None else encode_rel(r)) for r in rels]
        conn.executemany("INSERT INTO changelog(kind, rel) VALUES (?, ?)", rows)
        last = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        if (last - len(rows)) // PRUNE_EVERY != last // PRUNE_EVERY:  # now and then
            conn.execute("DELETE FROM changelog WHERE seq <= ?", (last - CHANGELOG_KEEP,))


def album_id(conn: sqlite3.Connection, name: str) -> int:
    """The id of the album named ``name`` (case-insensitively); StoreError when none is."""
    row = conn.execute("SELECT id FROM album WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise StoreError(f"No album named {safe(name)!r}")
    return int(row[0])
