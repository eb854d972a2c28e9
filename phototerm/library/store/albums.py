"""A space's albums (``Store.albums``): normal albums with their members in order, and
conditional albums (a saved search). Every method is one durable transaction of the store's
``Database``, which other sessions see through ``Store.changes_since``, as a photo edit.

A method that changes an album reads what it changes inside its own write transaction (the
members it adds or removes, the cover it replaces, the album it deletes) and returns what it
replaced: two sessions editing one album at once both get their change, and an undo can take
back exactly one edit without undoing anyone else's.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import EllipsisType

from phototerm.library.store.database import Database, SqlRow, album_id
from phototerm.library.store.schema import StoreError, decode_rel, encode_rel
from phototerm.library.store.shares import (
    ShareRecord,
    album_shares,
    insert_share,
    restore_share,
)
from phototerm.library.text import safe

_ALBUM_SELECT = "SELECT id, name, query, cover_space, cover_rel, created FROM album"


@dataclass(slots=True)
class AlbumRecord:
    name: str
    query: str | None = None  # conditional album when set
    members: list[tuple[str, str]] = field(default_factory=list)  # (space, rel), in order
    cover: tuple[str, str] | None = None
    created: float = 0.0
    id: int | None = None

    @property
    def conditional(self) -> bool:
        return self.query is not None


class AlbumStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._read = db.read
        self._write = db.write
        self._log = db.log

    def all(self) -> list[AlbumRecord]:
        rows = self._read(_ALBUM_SELECT + " ORDER BY name COLLATE NOCASE")
        members: dict[int, list[tuple[str, str]]] = {r[0]: [] for r in rows}
        for aid, space, rel in self._read(
            "SELECT album, space, rel FROM album_member ORDER BY album, pos"
        ):
            members.setdefault(aid, []).append((space, decode_rel(rel)))
        return [_album(r, members[r[0]]) for r in rows]

    def get(self, name: str) -> AlbumRecord | None:
        rows = self._read(_ALBUM_SELECT + " WHERE name = ?", (name,))
        if not rows:
            return None
        members = [
            (s, decode_rel(r))
            for s, r in self._read(
                "SELECT space, rel FROM album_member WHERE album = ? ORDER BY pos", (rows[0][0],)
            )
        ]
        return _album(rows[0], members)

    def put(
        self, record: AlbumRecord, *, replace: str | None = None, shares: Iterable[ShareRecord] = ()
    ) -> None:
        """Create an album (or replace the one named ``replace``) exactly as ``record`` says,
        with ``shares`` in the same transaction: records with an id are put back as they were
        (the undo of a delete), records without one (id 0) are new shares of the album (a
        selection shared as a link becomes an album and its link at once).

        Replacing keeps the album's id, so its share records stay attached."""
        with self._write() as conn:
            aid = None
            if replace is not None:
                row = conn.execute("SELECT id FROM album WHERE name = ?", (replace,)).fetchone()
                aid = row[0] if row else None
            cover = record.cover or (None, None)
            values = (
                record.name,
                record.query,
                cover[0],
                None if cover[1] is None else encode_rel(cover[1]),
                record.created or time.time(),
            )
            try:
                aid = _put(conn, aid, values, record.id)
            except sqlite3.IntegrityError as exc:  # another session took the name meanwhile
                raise StoreError(f"An album named {safe(record.name)!r} already exists") from exc
            if replace is not None:
                conn.execute("DELETE FROM album_member WHERE album = ?", (aid,))
            _insert_members(conn, aid, record.members, 0)
            restored = 0
            for restored, share in enumerate(shares, 1):
                if share.id:
                    restore_share(conn, share)
                else:
                    insert_share(conn, share)
            self._log(conn, "album")
            if restored:
                self._log(conn, "share")
        record.id = aid

    def add_members(self, name: str, members: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Append the members not already in the album, in one transaction that reads the
        album's members as they are now; returns those it added, in order."""
        with self._write() as conn:
            aid = album_id(conn, name)
            have = {
                (s, decode_rel(r))
                for s, r in conn.execute(
                    "SELECT space, rel FROM album_member WHERE album=?", (aid,)
                )
            }
            new = [m for m in dict.fromkeys(members) if m not in have]
            top = conn.execute(
                "SELECT coalesce(max(pos), -1) FROM album_member WHERE album=?", (aid,)
            ).fetchone()[0]
            _insert_members(conn, aid, new, top + 1)
            self._log(conn, "album")
        return new

    def remove_members(
        self, name: str, members: Iterable[tuple[str, str]]
    ) -> list[tuple[str, str, int]]:
        """Take members out of the album; returns those that were in it, with their places
        (space, rel, position), read in the same transaction, so an undo can put them back."""
        with self._write() as conn:
            aid = album_id(conn, name)
            removed: list[tuple[str, str, int]] = []
            for space, rel in dict.fromkeys(members):
                key = (aid, space, encode_rel(rel))
                row = conn.execute(
                    "SELECT pos FROM album_member WHERE album=? AND space=? AND rel=?", key
                ).fetchone()
                if row is not None:
                    conn.execute(
                        "DELETE FROM album_member WHERE album=? AND space=? AND rel=?", key
                    )
                    removed.append((space, rel, row[0]))
            self._log(conn, "album")
        return removed

    def restore_members(self, name: str, members: Iterable[tuple[str, str, int]]) -> int:
        """Put members back at the places ``remove_members`` returned (those already in the
        album stay where they are); returns how many came back."""
        with self._write() as conn:
            aid = album_id(conn, name)
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO album_member(album, space, rel, pos) VALUES (?,?,?,?)",
                ((aid, s, encode_rel(r), pos) for s, r, pos in members),
            )
            back = conn.total_changes - before
            self._log(conn, "album")
        return back

    def rename(self, old: str, new: str) -> None:
        with self._write() as conn:
            aid = album_id(conn, old)
            try:
                conn.execute("UPDATE album SET name=? WHERE id=?", (new, aid))
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"An album named {safe(new)!r} already exists") from exc
            self._log(conn, "album")

    def delete(self, name: str) -> tuple[AlbumRecord, list[ShareRecord]]:
        """Delete an album, its members list and its share links. Photos are not touched.
        Returns the album and its share records as they were at the moment of deleting."""
        with self._write() as conn:
            aid = album_id(conn, name)
            record = _read_album(conn, aid)
            shares = album_shares(conn, aid)
            conn.execute("DELETE FROM share WHERE album = ?", (aid,))
            conn.execute("DELETE FROM album_member WHERE album = ?", (aid,))
            conn.execute("DELETE FROM album WHERE id = ?", (aid,))
            self._log(conn, "album")
        return record, shares

    def set_cover(
        self,
        name: str,
        cover: tuple[str, str] | None,
        *,
        unless_changed_from: tuple[str, str] | None | EllipsisType = ...,
    ) -> tuple[str, str] | None:
        """Set the album's cover; returns the cover it replaced. With
        ``unless_changed_from``, the cover is set only while it still is that one (an undo
        leaves a cover another session chose since alone)."""
        with self._write() as conn:
            aid = album_id(conn, name)
            current = _read_album(conn, aid).cover
            if unless_changed_from is not ... and current != unless_changed_from:
                return current
            conn.execute(
                "UPDATE album SET cover_space=?, cover_rel=? WHERE id=?",
                (cover[0] if cover else None, encode_rel(cover[1]) if cover else None, aid),
            )
            self._log(conn, "album")
        return current


def _put(
    conn: sqlite3.Connection, aid: int | None, values: tuple[object, ...], wanted: int | None
) -> int:
    """Write the album row: an update of ``aid``, or an insert (taking the id ``wanted`` back
    when it is free: the undo of a delete, so the share records restored point at it)."""
    if aid is not None:
        conn.execute(
            "UPDATE album SET name=?, query=?, cover_space=?, cover_rel=?, created=? WHERE id=?",
            (*values, aid),
        )
        return aid
    cur = conn.execute(
        "INSERT INTO album(name, query, cover_space, cover_rel, created) VALUES (?,?,?,?,?)",
        values,
    )
    new = cur.lastrowid
    assert new is not None  # every INSERT sets it
    if wanted is None or wanted == new:
        return new
    if conn.execute("SELECT 1 FROM album WHERE id=?", (wanted,)).fetchone():
        return new  # taken since
    conn.execute("UPDATE album SET id=? WHERE id=?", (wanted, new))
    return wanted


def _read_album(conn: sqlite3.Connection, aid: int) -> AlbumRecord:
    row = conn.execute(_ALBUM_SELECT + " WHERE id = ?", (aid,)).fetchone()
    members = [
        (s, decode_rel(r))
        for s, r in conn.execute(
            "SELECT space, rel FROM album_member WHERE album = ? ORDER BY pos", (aid,)
        )
    ]
    return _album(row, members)


def _insert_members(
    conn: sqlite3.Connection, aid: int, members: Iterable[tuple[str, str]], first: int
) -> None:
    # OR IGNORE: a photo already in the album keeps its place (an album holds it once).
    conn.executemany(
        "INSERT OR IGNORE INTO album_member(album, space, rel, pos) VALUES (?,?,?,?)",
        ((aid, s, encode_rel(r), first + i) for i, (s, r) in enumerate(members)),
    )


def _album(row: SqlRow, members: list[tuple[str, str]]) -> AlbumRecord:
    aid, name, query, cover_space, cover_rel, created = row
    cover = (cover_space, decode_rel(cover_rel)) if cover_space and cover_rel is not None else None
    return AlbumRecord(name, query, members, cover, created, aid)
