"""The store's records that are not about one photo: albums, share links and per-view sort
orders, and the reset that deletes them (Synology's uninstall wizard).

A mixin of ``Store``: it uses the store's locked reads, write transactions and change log, so
every method here is one durable transaction that other sessions see through
``Store.changes_since``, exactly like a photo edit.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class ShareRecord:
    id: int  # 0 until the database gives it one (see add_share)
    kind: str  # 'album' | 'photo'
    token: str
    album: str | None
    photo_rel: str | None
    created: float
    expires: float | None
    password_hash: str | None
    recipients: tuple[str, ...]


class AlbumStore:
    """Albums, shares and sort orders of one space's store (mixed into ``Store``)."""

    # Provided by Store (declared here so the mixin reads on its own).
    _read: Callable[..., list[tuple]]
    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _log: Callable[..., None]

    # -- albums -------------------------------------------------------------------------------

    def albums(self) -> list[AlbumRecord]:
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

    def album(self, name: str) -> AlbumRecord | None:
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

    def put_album(self, record: AlbumRecord, *, replace: str | None = None) -> None:
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
            aid = _album_id(conn, name)
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
            aid = _album_id(conn, name)
            before = conn.total_changes
            conn.executemany(
                "DELETE FROM album_member WHERE album=? AND space=? AND rel=?",
                ((aid, s, encode_rel(r)) for s, r in members),
            )
            removed = conn.total_changes - before
            self._log(conn, "album")
        return removed

    def rename_album(self, old: str, new: str) -> None:
        with self._write() as conn:
            aid = _album_id(conn, old)
            try:
                conn.execute("UPDATE album SET name=? WHERE id=?", (new, aid))
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"An album named {safe(new)!r} already exists") from exc
            self._log(conn, "album")

    def delete_album(self, name: str) -> None:
        """Delete an album, its members list and its share links. Photos are not touched."""
        with self._write() as conn:
            aid = _album_id(conn, name)
            conn.execute("DELETE FROM share WHERE album = ?", (aid,))
            conn.execute("DELETE FROM album_member WHERE album = ?", (aid,))
            conn.execute("DELETE FROM album WHERE id = ?", (aid,))
            self._log(conn, "album")

    def set_cover(self, name: str, cover: tuple[str, str] | None) -> None:
        with self._write() as conn:
            aid = _album_id(conn, name)
            conn.execute(
                "UPDATE album SET cover_space=?, cover_rel=? WHERE id=?",
                (cover[0] if cover else None, encode_rel(cover[1]) if cover else None, aid),
            )
            self._log(conn, "album")

    # -- shares (records only; the share UI and server come with a later issue) ---------------

    def add_share(
        self,
        kind: str,
        token: str,
        *,
        album: str | None = None,
        photo_rel: str | None = None,
        expires: float | None = None,
        password_hash: str | None = None,
        recipients: Iterable[str] = (),
    ) -> int:
        share = ShareRecord(
            0, kind, token, album, photo_rel, time.time(), expires, password_hash, tuple(recipients)
        )
        with self._write() as conn:
            values = _share_values(conn, share)
            try:
                cur = conn.execute(
                    f"INSERT INTO share({_SHARE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", values
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"Cannot add share: {exc}") from exc
            self._log(conn, "share")
        return int(cur.lastrowid)

    def shares(self) -> list[ShareRecord]:
        return [_share(r) for r in self._read(_SHARE_SELECT + " ORDER BY s.id")]

    def share(self, token: str) -> ShareRecord | None:
        rows = self._read(_SHARE_SELECT + " WHERE s.token = ?", (token,))
        return _share(rows[0]) if rows else None

    def restore_share(self, share: ShareRecord) -> None:
        """Put back a share record exactly, id included (undo of an album delete)."""
        with self._write() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO share(id, {_SHARE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                (share.id, *_share_values(conn, share)),
            )
            self._log(conn, "share")

    def delete_share(self, token: str) -> bool:
        with self._write() as conn:
            gone = conn.execute("DELETE FROM share WHERE token = ?", (token,)).rowcount
            self._log(conn, "share")
        return bool(gone)

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


_SHARE_COLUMNS = "kind, token, album, photo_rel, created, expires, password_hash, recipients"
_SHARE_SELECT = (
    "SELECT s.id, s.kind, s.token, a.name, s.photo_rel, s.created, s.expires, "
    "s.password_hash, s.recipients FROM share s LEFT JOIN album a ON a.id = s.album"
)


def _insert_members(
    conn: sqlite3.Connection, aid: int, members: Iterable[tuple[str, str]], first: int
) -> None:
    # OR IGNORE: a photo already in the album keeps its place (an album holds it once).
    conn.executemany(
        "INSERT OR IGNORE INTO album_member(album, space, rel, pos) VALUES (?,?,?,?)",
        ((aid, s, encode_rel(r), first + i) for i, (s, r) in enumerate(members)),
    )


def _album(row: tuple, members: list[tuple[str, str]]) -> AlbumRecord:
    aid, name, query, cover_space, cover_rel, created = row
    cover = (cover_space, decode_rel(cover_rel)) if cover_space and cover_rel is not None else None
    return AlbumRecord(name, query, members, cover, created, aid)


def _album_id(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM album WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise StoreError(f"No album named {safe(name)!r}")
    return row[0]


def _share_values(conn: sqlite3.Connection, share: ShareRecord) -> tuple:
    """The share's row in ``_SHARE_COLUMNS`` order; records name their album, rows hold its id
    (raises StoreError when there is no such album)."""
    aid = _album_id(conn, share.album) if share.album is not None else None
    return (
        share.kind,
        share.token,
        aid,
        None if share.photo_rel is None else encode_rel(share.photo_rel),
        share.created,
        share.expires,
        share.password_hash,
        json.dumps(list(share.recipients)),
    )


def _share(row: tuple) -> ShareRecord:
    try:
        recipients = tuple(str(r) for r in json.loads(row[8]))
    except (ValueError, TypeError):  # a hand-edited or damaged row: show no recipients
        recipients = ()
    return ShareRecord(
        row[0],
        row[1],
        row[2],
        row[3],
        None if row[4] is None else decode_rel(row[4]),
        row[5],
        row[6],
        row[7],
        recipients,
    )
