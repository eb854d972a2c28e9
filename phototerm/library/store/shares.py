"""A space's share records (``Store.shares``): links and shares to people, each pointing at an
album (or one photo) by id, so renaming an album keeps its links."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from phototerm.library.store.database import Database, SqlRow, album_id
from phototerm.library.store.schema import StoreError, decode_rel, encode_rel


@dataclass(frozen=True, slots=True)
class ShareRecord:
    id: int  # 0 until the database gives it one (see ``ShareStore.add``)
    kind: str  # 'album' | 'photo'
    token: str
    album: str | None
    photo_rel: str | None
    created: float
    expires: float | None
    password_hash: str | None
    recipients: tuple[str, ...]


class ShareStore:
    def __init__(self, db: Database) -> None:
        self._read = db.read
        self._write = db.write
        self._log = db.log

    def add(
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
        assert cur.lastrowid is not None  # every INSERT sets it
        return cur.lastrowid

    def all(self) -> list[ShareRecord]:
        return [_share(r) for r in self._read(_SHARE_SELECT + " ORDER BY s.id")]

    def get(self, token: str) -> ShareRecord | None:
        rows = self._read(_SHARE_SELECT + " WHERE s.token = ?", (token,))
        return _share(rows[0]) if rows else None

    def restore(self, share: ShareRecord) -> None:
        """Put back a share record exactly, id included (undo of an album delete)."""
        with self._write() as conn:
            restore_share(conn, share)
            self._log(conn, "share")

    def delete(self, token: str) -> bool:
        with self._write() as conn:
            gone = conn.execute("DELETE FROM share WHERE token = ?", (token,)).rowcount
            self._log(conn, "share")
        return bool(gone)


_SHARE_COLUMNS = "kind, token, album, photo_rel, created, expires, password_hash, recipients"
_SHARE_SELECT = (
    "SELECT s.id, s.kind, s.token, a.name, s.photo_rel, s.created, s.expires, "
    "s.password_hash, s.recipients FROM share s LEFT JOIN album a ON a.id = s.album"
)


def restore_share(conn: sqlite3.Connection, share: ShareRecord) -> None:
    """Put back a share record exactly, inside a transaction already open."""
    conn.execute(
        f"INSERT OR REPLACE INTO share(id, {_SHARE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
        (share.id, *_share_values(conn, share)),
    )


def album_shares(conn: sqlite3.Connection, aid: int) -> list[ShareRecord]:
    """The share records of album ``aid``, read inside a transaction already open."""
    return [_share(r) for r in conn.execute(_SHARE_SELECT + " WHERE s.album = ?", (aid,))]


def _share_values(conn: sqlite3.Connection, share: ShareRecord) -> SqlRow:
    """The share's row in ``_SHARE_COLUMNS`` order; records name their album, rows hold its id
    (raises StoreError when there is no such album)."""
    aid = album_id(conn, share.album) if share.album is not None else None
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


def _share(row: SqlRow) -> ShareRecord:
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
