"""A space's share records (``Store.shares``): links and shares to people, each pointing at an
album (or one photo) by id, so renaming an album keeps its links.

A record holds what the share says, never a secret in the clear: the token is the link's
address (it is the secret of a public link, as in every photo service), the password only as
its scrypt hash (sharing/passwords.py). A store of schema version 1, read by a session that may
not upgrade it, is read as it is: its shares are view-only, made by nobody known, never opened.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import EllipsisType

from phototerm.library.store.database import Database, SqlRow, album_id
from phototerm.library.store.schema import StoreError, decode_rel, encode_rel

ROLES = ("viewer", "downloader", "provider")  # what a person a share names may do
PERMISSIONS = ("view", "download")  # what a link lets its visitors do


@dataclass(frozen=True, slots=True)
class Recipient:
    who: str  # a user name, or "@group"
    role: str  # one of ROLES

    @property
    def is_group(self) -> bool:
        return self.who.startswith("@")


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
    recipients: tuple[Recipient, ...]
    permission: str = "view"  # one of PERMISSIONS
    created_by: str | None = None
    last_opened: float | None = None

    @property
    def is_link(self) -> bool:
        """A public link (anyone with the address) rather than a share with people."""
        return not self.recipients

    def expired(self, now: float | None = None) -> bool:
        return self.expires is not None and (time.time() if now is None else now) >= self.expires


class ShareStore:
    def __init__(self, db: Database) -> None:
        self._db = db
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
        recipients: Iterable[Recipient] = (),
        permission: str = "view",
        created_by: str | None = None,
    ) -> int:
        share = ShareRecord(
            0,
            kind,
            token,
            album,
            photo_rel,
            time.time(),
            expires,
            password_hash,
            tuple(recipients),
            permission,
            created_by,
        )
        with self._write() as conn:
            new = insert_share(conn, share)
            self._log(conn, "share")
        return new

    def all(self) -> list[ShareRecord]:
        return [_share(r) for r in self._read(self._select() + " ORDER BY s.id")]

    def get(self, token: str) -> ShareRecord | None:
        rows = self._read(self._select() + " WHERE s.token = ?", (token,))
        return _share(rows[0]) if rows else None

    def by_id(self, share_id: int) -> ShareRecord | None:
        rows = self._read(self._select() + " WHERE s.id = ?", (share_id,))
        return _share(rows[0]) if rows else None

    def of_album(self, name: str) -> list[ShareRecord]:
        rows = self._read(self._select() + " WHERE a.name = ? ORDER BY s.id", (name,))
        return [_share(r) for r in rows]

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

    def delete_id(self, share_id: int) -> ShareRecord | None:
        """Delete the share ``share_id``; returns it as it was (None when there was none), read
        in the same transaction."""
        with self._write() as conn:
            rows = conn.execute(_SELECT + " WHERE s.id = ?", (share_id,)).fetchall()
            if not rows:
                return None
            conn.execute("DELETE FROM share WHERE id = ?", (share_id,))
            self._log(conn, "share")
        return _share(rows[0])

    def update(self, share_id: int, **changes: object) -> ShareRecord | None:
        """Change fields of one share (password_hash, expires, permission, recipients) as a
        read-modify-write in one transaction; returns the record as stored now, None when the
        share is gone."""
        allowed = {"password_hash", "expires", "permission", "recipients"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)}")
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM share WHERE id = ?", (share_id,)).fetchone():
                return None
            for column, value in changes.items():
                if column == "recipients":
                    value = _recipients_json(value)  # type: ignore[arg-type]
                try:
                    conn.execute(f"UPDATE share SET {column} = ? WHERE id = ?", (value, share_id))
                except sqlite3.IntegrityError as exc:
                    raise StoreError(f"Cannot change the share: {exc}") from exc
            self._log(conn, "share")
            row = conn.execute(_SELECT + " WHERE s.id = ?", (share_id,)).fetchone()
        return _share(row)

    def put_link(
        self,
        album: str,
        *,
        token: str,
        expires: float | None,
        password_hash: str | None | EllipsisType,
        permission: str,
        created_by: str | None,
    ) -> tuple[ShareRecord, bool]:
        """Give the album its link, or change the one it has (keeping its token, so the
        address people were given still works), in one transaction that reads the link as it
        is now. ``token`` is used only for a new link; ``password_hash=...`` keeps the
        password the link has. Returns (the link as stored, whether it is new)."""
        with self._write() as conn:
            aid = album_id(conn, album)
            row = conn.execute(
                _SELECT + " WHERE s.album = ? AND s.recipients = '[]' ORDER BY s.id", (aid,)
            ).fetchone()
            if row is None:
                new_hash = None if password_hash is ... else password_hash
                share = ShareRecord(
                    0,
                    "album",
                    token,
                    album,
                    None,
                    time.time(),
                    expires,
                    new_hash,
                    (),
                    permission,
                    created_by,
                )
                share_id = insert_share(conn, share)
            else:
                share_id = row[0]
                conn.execute(
                    "UPDATE share SET expires = ?, permission = ? WHERE id = ?",
                    (expires, permission, share_id),
                )
                if password_hash is not ...:
                    conn.execute(
                        "UPDATE share SET password_hash = ? WHERE id = ?", (password_hash, share_id)
                    )
            self._log(conn, "share")
            stored = conn.execute(_SELECT + " WHERE s.id = ?", (share_id,)).fetchone()
        return _share(stored), row is None

    def put_recipient(
        self,
        album: str,
        who: str,
        role: str | None,
        *,
        token: str,
        created_by: str | None,
    ) -> ShareRecord | None:
        """Give ``who`` the ``role`` in the album's share with people (None: take them off
        it), as a read-modify-write in one transaction: two people sharing the same album at
        once both keep their recipient. The share is made when its first recipient comes and
        deleted with its last. Returns the share as stored now (None: it is gone)."""
        with self._write() as conn:
            aid = album_id(conn, album)
            row = conn.execute(
                _SELECT + " WHERE s.album = ? AND s.recipients != '[]' ORDER BY s.id", (aid,)
            ).fetchone()
            people = [r for r in (_share(row).recipients if row else ()) if r.who != who]
            if role is not None:
                people.append(Recipient(who, role))
            if row is None and people:
                share = ShareRecord(
                    0,
                    "album",
                    token,
                    album,
                    None,
                    time.time(),
                    None,
                    None,
                    tuple(people),
                    "view",
                    created_by,
                )
                share_id: int | None = insert_share(conn, share)
            elif row is not None and not people:
                conn.execute("DELETE FROM share WHERE id = ?", (row[0],))
                share_id = None
            elif row is not None:
                share_id = row[0]
                conn.execute(
                    "UPDATE share SET recipients = ? WHERE id = ?",
                    (_recipients_json(people), share_id),
                )
            else:
                share_id = None
            self._log(conn, "share")
            stored = (
                conn.execute(_SELECT + " WHERE s.id = ?", (share_id,)).fetchone()
                if share_id is not None
                else None
            )
        return None if stored is None else _share(stored)

    def opened(self, share_id: int, when: float | None = None) -> None:
        """Record that a link was opened. The only write the share server makes, and only
        in a store this session may write; not logged as a change (nothing shown depends on
        it closely enough to reload other sessions for it)."""
        if not self._db.status.writable:
            return
        with self._write() as conn:
            conn.execute(
                "UPDATE share SET last_opened = ? WHERE id = ?",
                (time.time() if when is None else when, share_id),
            )

    def _select(self) -> str:
        return _SELECT if self._db.status.version >= 2 else _SELECT_V1


_SHARE_COLUMNS = (
    "kind, token, album, photo_rel, created, expires, password_hash, recipients, permission, "
    "created_by, last_opened"
)
_PLACES = ",".join("?" * 11)
_SELECT = (
    "SELECT s.id, s.kind, s.token, a.name, s.photo_rel, s.created, s.expires, "
    "s.password_hash, s.recipients, s.permission, s.created_by, s.last_opened "
    "FROM share s LEFT JOIN album a ON a.id = s.album"
)
# A version-1 store, read as it is: no permission (view), creator or last opening yet.
_SELECT_V1 = (
    "SELECT s.id, s.kind, s.token, a.name, s.photo_rel, s.created, s.expires, "
    "s.password_hash, s.recipients, 'view', NULL, NULL "
    "FROM share s LEFT JOIN album a ON a.id = s.album"
)


def insert_share(conn: sqlite3.Connection, share: ShareRecord) -> int:
    """Insert a new share record inside a transaction already open; returns its id."""
    try:
        cur = conn.execute(
            f"INSERT INTO share({_SHARE_COLUMNS}) VALUES ({_PLACES})", _share_values(conn, share)
        )
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"Cannot add share: {exc}") from exc
    assert cur.lastrowid is not None  # every INSERT sets it
    return cur.lastrowid


def restore_share(conn: sqlite3.Connection, share: ShareRecord) -> None:
    """Put back a share record exactly, inside a transaction already open."""
    conn.execute(
        f"INSERT OR REPLACE INTO share(id, {_SHARE_COLUMNS}) VALUES (?,{_PLACES})",
        (share.id, *_share_values(conn, share)),
    )


def album_shares(conn: sqlite3.Connection, aid: int) -> list[ShareRecord]:
    """The share records of album ``aid``, read inside a transaction already open."""
    return [_share(r) for r in conn.execute(_SELECT + " WHERE s.album = ?", (aid,))]


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
        _recipients_json(share.recipients),
        share.permission,
        share.created_by,
        share.last_opened,
    )


def _recipients_json(recipients: Iterable[Recipient]) -> str:
    return json.dumps([{"who": r.who, "role": r.role} for r in recipients])


def _recipients(raw: object) -> tuple[Recipient, ...]:
    """Recipients as stored: objects (version 2) or names (a version-1 store read as it is:
    viewers). A hand-edited or damaged row shows no recipient rather than failing."""
    try:
        items = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        return ()
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append(Recipient(item, "viewer"))
        elif isinstance(item, dict) and isinstance(item.get("who"), str):
            role = item.get("role")
            out.append(Recipient(item["who"], role if role in ROLES else "viewer"))
    return tuple(out)


def _share(row: SqlRow) -> ShareRecord:
    return ShareRecord(
        row[0],
        row[1],
        row[2],
        row[3],
        None if row[4] is None else decode_rel(row[4]),
        row[5],
        row[6],
        row[7],
        _recipients(row[8]),
        row[9] if row[9] in PERMISSIONS else "view",
        row[10],
        row[11],
    )
