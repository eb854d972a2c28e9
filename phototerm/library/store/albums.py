"""A space's albums (``Store.albums``): normal albums with their members in order, and
conditional albums (a saved search). Every method is one durable transaction of the store's
``Database``, which other sessions see through ``Store.changes_since``, as a photo edit.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from phototerm.library.store.database import Database, SqlRow
from phototerm.library.store.schema import StoreError, decode_rel, encode_rel
from phototerm.library.text import safe


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
        rows = self._read(
            "SELECT id, name, query, cover_space, cover_rel, created FROM album "
            "ORDER BY name COLLATE NOCASE"
        )
        members: dict[int, list[tuple[str, str]]] = {r[0]: [] for r in rows}
        for aid, space, rel in self._read(
            "SELECT album, space, rel FROM album_member ORDER BY album, pos"
        ):
            members.setdefault(aid, []).append((space, decode_rel(rel)))
        return [_album(r, members[r[0]]) for r in rows]

    def get(self, name: str) -> AlbumRecord | None:
        rows = self._read(
            "SELECT id, name, query, cover_space, cover_rel, created FROM album WHERE name = ?",
            (name,),
        )
        if not rows:
            return None
        members = [
            (s, decode_rel(r))
            for s, r in self._read(
                "SELECT space, rel FROM album_member WHERE album = ? ORDER BY pos", (rows[0][0],)
            )
        ]
        return _album(rows[0], members)

    def put(self, record: AlbumRecord, *, replace: str | None = None) -> None:
        """Create an album (or replace the one named ``replace``) exactly as ``record`` says.

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
            if aid is None:
                cur = conn.execute(
                    "INSERT INTO album(name, query, cover_space, cover_rel, "
                    "created) VALUES (?,?,?,?,?)",
                    values,
                )
                aid = cur.lastrowid
                assert aid is not None  # every INSERT sets it
                # Undo of a delete: take the old id back when it is free, so the share
                # records restored after this point at the album again.
                if record.id is not None and record.id != aid:
                    taken = conn.execute("SELECT 1 FROM album WHERE id=?", (record.id,)).fetchone()
                    if not taken:
                        conn.execute("UPDATE album SET id=? WHERE id=?", (record.id, aid))
                        aid = record.id
            else:
                conn.execute(
                    "UPDATE album SET name=?, query=?, cover_space=?, cover_rel=?, "
                    "created=? WHERE id=?",
                    (*values, aid),
                )
                conn.execute("DELETE FROM album_member WHERE album = ?", (aid,))
            _insert_members(conn, aid, record.members, 0)
            self._log(conn, "album")
        record.id = aid

    def add_members(self, name: str, members: Iterable[tuple[str, str]]) -> int:
        """Append members not already in the album; returns how many were added."""
        with self._write() as conn:
            aid = album_id(conn, name)
            top = conn.execute(
                "SELECT coalesce(max(pos), -1) FROM album_member WHERE album=?", (aid,)
            ).fetchone()[0]
            before = conn.total_changes
            _insert_members(conn, aid, members, top + 1)
            added = conn.total_changes - before
            self._log(conn, "album")
        return added

    def remove_members(self, name: str, members: Iterable[tuple[str, str]]) -> int:
        with self._write() as conn:
            aid = album_id(conn, name)
            before = conn.total_changes
            conn.executemany(
                "DELETE FROM album_member WHERE album=? AND space=? AND rel=?",
                ((aid, s, encode_rel(r)) for s, r in members),
            )
            removed = conn.total_changes - before
            self._log(conn, "album")
        return removed

    def rename(self, old: str, new: str) -> None:
        with self._write() as conn:
            aid = album_id(conn, old)
            try:
                conn.execute("UPDATE album SET name=? WHERE id=?", (new, aid))
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"An album named {safe(new)!r} already exists") from exc
            self._log(conn, "album")

    def delete(self, name: str) -> None:
        """Delete an album, its members list and its share links. Photos are not touched."""
        with self._write() as conn:
            aid = album_id(conn, name)
            conn.execute("DELETE FROM share WHERE album = ?", (aid,))
            conn.execute("DELETE FROM album_member WHERE album = ?", (aid,))
            conn.execute("DELETE FROM album WHERE id = ?", (aid,))
            self._log(conn, "album")

    def set_cover(self, name: str, cover: tuple[str, str] | None) -> None:
        with self._write() as conn:
            aid = album_id(conn, name)
            conn.execute(
                "UPDATE album SET cover_space=?, cover_rel=? WHERE id=?",
                (cover[0] if cover else None, encode_rel(cover[1]) if cover else None, aid),
            )
            self._log(conn, "album")


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


def album_id(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM album WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise StoreError(f"No album named {safe(name)!r}")
    return row[0]
