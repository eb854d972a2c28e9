"""The store's file: its schema, and opening it in the right mode whatever state it is in.

Why SQLite, and why in rollback-journal mode:
- every edit is a transaction that is fsync'ed (``synchronous=FULL``) before the call returns,
  and SQLite's journal makes a kill -9 at any moment leave the previous or the next state,
  never a torn one;
- two sessions (processes, users) edit the same space at once: ``BEGIN IMMEDIATE`` takes the
  write lock up front and ``busy_timeout`` waits for it, so nothing is lost;
- a view-only user, a kiosk or a read-only filesystem must read the store without creating any
  file: WAL readers open (and create) ``-shm``/``-wal``, rollback-journal readers do not. So
  ``journal_mode=DELETE``, and read-only sessions open with ``mode=ro``.

A store that cannot be used (corrupt, unreadable, newer schema, read-only root) is never reset:
the space opens read-only with a message naming the file (``StoreStatus``); the original stays
as it is. ``Store.repair()`` is the explicit way out.

Photos are keyed by their path relative to the root. A non-UTF-8 name (surrogate escapes) cannot
be stored as TEXT, so such keys are stored as BLOBs of the raw bytes (TEXT and BLOB never compare
equal in SQLite, so the two kinds cannot collide).
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from phototerm.library.durable import fsync_dir
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe

SCHEMA_VERSION = 2
DB_NAME = "library.db"
BUSY_TIMEOUT_MS = 10_000

SCHEMA = """
CREATE TABLE photo(
    rel PRIMARY KEY NOT NULL,       -- TEXT, or BLOB of the raw bytes for a non-UTF-8 name
    rating INTEGER,                 -- NULL: not rated in phototerm (the file's rating applies)
    description TEXT,               -- NULL: the file's description applies
    rotation INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270)),
    tags TEXT                       -- NULL: the file's tags apply, else one tag per line
) WITHOUT ROWID;
CREATE TABLE album(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT,                     -- a conditional album's search (NULL: a normal album)
    cover_space TEXT,
    cover_rel,
    created REAL NOT NULL
);
CREATE TABLE album_member(
    album INTEGER NOT NULL REFERENCES album(id) ON DELETE CASCADE,
    space TEXT NOT NULL,            -- members may come from either space
    rel NOT NULL,
    pos INTEGER NOT NULL,
    PRIMARY KEY (album, space, rel)
) WITHOUT ROWID;
CREATE INDEX album_member_order ON album_member(album, pos);
CREATE TABLE share(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('album', 'photo')),
    token TEXT NOT NULL UNIQUE,
    album INTEGER REFERENCES album(id) ON DELETE CASCADE,
    photo_rel,
    created REAL NOT NULL,
    expires REAL,
    password_hash TEXT,
    recipients TEXT NOT NULL DEFAULT '[]', -- JSON: [{"who": "alice" | "@group", "role": ...}]
    permission TEXT NOT NULL DEFAULT 'view' CHECK (permission IN ('view', 'download')),
    created_by TEXT,
    last_opened REAL
);
CREATE TABLE sort_order(
    view TEXT PRIMARY KEY NOT NULL,
    key TEXT NOT NULL,
    descending INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE changelog(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,             -- 'photo' (rel set), 'album', 'share', 'sort', 'all'
    rel
);
"""


# Each step takes a store from the version before it to the next, inside the one transaction
# of ``_upgrade``: a version-1 store gets the share columns of version 2, and its recipients
# (a list of names) become objects with the viewer role they had.
UPGRADES = {
    2: (
        (
            "ALTER TABLE share ADD COLUMN permission TEXT NOT NULL DEFAULT 'view' "
            "CHECK (permission IN ('view', 'download'))"
        ),
        "ALTER TABLE share ADD COLUMN created_by TEXT",
        "ALTER TABLE share ADD COLUMN last_opened REAL",
    ),
}


class StoreError(Exception):
    """A store operation failed; the message is meant for the user."""


class StoreReadOnly(StoreError):
    """An edit was attempted on a store opened read-only."""


@dataclass(frozen=True, slots=True)
class StoreStatus:
    writable: bool
    message: str  # '' when all is well; else one line saying what and why (names the file)
    path: str
    # The file is there but could not be read: damaged, garbage, not a phototerm store, no
    # permission, or an interrupted edit only a writer can roll back. Its ratings, tags and
    # albums are then NOT on the index; a space that simply has no store yet is not this.
    unreadable: bool = False
    # The schema version the file holds: a read-only session reads an older store as it is
    # (its shares without the columns later versions added).
    version: int = SCHEMA_VERSION


def encode_rel(rel: str) -> str | bytes:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(rel)
    return rel


def decode_rel(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


class _Empty(Exception):
    """Serve an empty in-memory store, read-only, with this message ('' when nothing is wrong,
    e.g. a read-only session of a space that has no store yet). Raised wherever opening stops,
    caught once in ``open_db``. ``unreadable``: a store file is there but could not be read
    (not: there is none, or it may not be written)."""

    def __init__(self, message: str, *, unreadable: bool = False) -> None:
        super().__init__(message)
        self.unreadable = unreadable


def open_db(
    space: str, root: str, path: str, *, read_only: bool = False
) -> tuple[sqlite3.Connection, StoreStatus]:
    """Open (or create) the store file ``path`` of the space rooted at ``root``. Never raises
    for a bad store: the connection is then read-only (or an empty in-memory one) and the
    status says why."""
    try:
        return _open(LABELS.get(space, space), root, path, read_only)
    except _Empty as empty:
        return _empty_db(), StoreStatus(False, str(empty), path, empty.unreadable)


def _open(
    label: str, root: str, path: str, read_only: bool
) -> tuple[sqlite3.Connection, StoreStatus]:
    folder, shown = os.path.dirname(path), safe(path)
    exists = _exists(label, path)
    if read_only:
        if not exists:
            raise _Empty("")  # nothing stored yet, and we may not create the file
        return _open_existing(label, path, writable=False, why="")
    if not exists:
        problem = _cannot_create(root, folder)
        if problem:
            raise _Empty(f"{label} is read-only ({problem}): edits are off")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise _Empty(
                f"{label} is read-only (cannot create {shown}: {exc.strerror}): edits are off"
            ) from exc
        return _open_existing(label, path, writable=True, why="")
    if not os.access(path, os.R_OK):
        raise _Empty(
            f"Cannot read {shown} (permission denied): {label} "
            "opened read-only, its ratings and albums are not shown",
            unreadable=True,
        )
    why = ""
    if _fs_read_only(folder):
        why = f"{label} is on a read-only filesystem: edits are off"
    elif not (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
        why = f"{label} is read-only (no write permission on {shown}): edits are off"
    return _open_existing(label, path, writable=not why, why=why)


def _exists(label: str, path: str) -> bool:
    """Whether the store file is there. A folder on the way we may not search is not "no
    store yet" (os.path.exists would say False): the file may well be there, unreadable."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise _Empty(
            f"Cannot read {safe(path)} ({exc.strerror}): {label} opened read-only, its "
            "ratings and albums are not shown",
            unreadable=True,
        ) from exc
    return True


def _empty_db() -> sqlite3.Connection:
    # Nothing on disk to read (or we may not): an in-memory database with the schema, so
    # every read works and answers "nothing stored". Never written (the status says so).
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.executescript(SCHEMA)
    return conn


def _open_existing(
    label: str, path: str, *, writable: bool, why: str
) -> tuple[sqlite3.Connection, StoreStatus]:
    shown = safe(path)
    try:
        conn = _connect(path, writable)
    except sqlite3.Error as exc:
        if writable or not _fs_read_only(os.path.dirname(path)):
            raise _Empty(
                f"Cannot open {shown} ({exc}): {label} opened read-only", unreadable=True
            ) from exc
        # A read-only filesystem: nobody can write, so immutable (no locks) is safe.
        try:
            conn = _connect(path, False, immutable=True)
        except sqlite3.Error:
            raise _Empty(f"Cannot open {shown}: {exc}", unreadable=True) from exc
    try:
        return _checked(conn, label, path, writable=writable, why=why)
    except _Empty:
        conn.close()  # idempotent: _checked may have closed it already
        raise


def _checked(
    conn: sqlite3.Connection, label: str, path: str, *, writable: bool, why: str
) -> tuple[sqlite3.Connection, StoreStatus]:
    """Look at what the opened file holds before trusting it: quick_check, the schema
    version, and whether it is a phototerm store at all. A new file gets the schema."""
    shown = safe(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.Error as exc:
        if os.path.exists(path + "-journal") and not writable:
            # A hot journal: only a writer may roll it back, so this is not damage.
            raise _Empty(
                f"{shown} holds an interrupted edit that only a session allowed to "
                f"write can finish: {label} opened read-only for now",
                unreadable=True,
            ) from exc
        raise _Empty(
            f"{shown} is damaged or not a phototerm store ({exc}): {label} opened "
            "read-only, the file is left untouched",
            unreadable=True,
        ) from exc
    if check != "ok":
        raise _Empty(
            f"{shown} is damaged ({safe(check, 120)}): {label} opened "
            "read-only, the file is left untouched",
            unreadable=True,
        )
    if version > SCHEMA_VERSION:
        # Readable as far as we know it, but writing could break what the newer version
        # keeps: reopen read-only so no statement of ours can change it.
        if writable:
            conn.close()
            try:
                conn = _connect(path, False)
            except sqlite3.Error as exc:
                raise _Empty(
                    f"Cannot open {shown} ({exc}): {label} opened read-only", unreadable=True
                ) from exc
        message = (
            f"{shown} was written by a newer phototerm (schema {version}, this one "
            f"knows {SCHEMA_VERSION}): {label} opened read-only"
        )
        return conn, StoreStatus(False, message, path, version=version)
    if version == 0 and tables:
        raise _Empty(
            f"{shown} is not a phototerm store: {label} opened read-only, "
            "the file is left untouched",
            unreadable=True,
        )
    if version == 0:
        if not writable:
            raise _Empty(why)
        _create_schema(conn, label, path)
        version = SCHEMA_VERSION
    elif version < SCHEMA_VERSION and writable:
        version = _upgrade(conn, label, path)
    return conn, StoreStatus(writable, why, path, version=version)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it is on disk when the block ends (synchronous=FULL),
    none of it if the block raises. BEGIN IMMEDIATE takes the file's write lock before any
    read, so another session cannot slip in between what we read and what we write."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    except BaseException:  # any error, Ctrl-C included: nothing half-written stays
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _create_schema(conn: sqlite3.Connection, label: str, path: str) -> None:
    try:
        with transaction(conn):
            # Another session may have created it while we waited for the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        fsync_dir(os.path.dirname(path))  # the new file's name is durable too
    except sqlite3.Error as exc:
        raise _Empty(f"Cannot create {safe(path)} ({exc}): {label} opened read-only") from exc


def _upgrade(conn: sqlite3.Connection, label: str, path: str) -> int:
    """Bring an older store to SCHEMA_VERSION in ONE write transaction: a crash leaves it
    at its old version, whole, and another session upgrading at the same moment waits for
    the lock and then finds nothing left to do. Returns the version the file holds now."""
    try:
        with transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for stmt in UPGRADES[target]:
                    conn.execute(stmt)
                if target == 2:
                    _recipients_to_objects(conn)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        raise _Empty(
            f"Cannot upgrade {safe(path)} to schema {SCHEMA_VERSION} ({exc}): {label} opened "
            "read-only, the file is left as it was",
            unreadable=True,
        ) from exc
    return SCHEMA_VERSION


def _recipients_to_objects(conn: sqlite3.Connection) -> None:
    """Version 1 kept recipients as a JSON list of names; version 2 as objects with a role.
    A name becomes a viewer (all version 1 could give); a row that is not a JSON list keeps
    no recipient rather than stopping the upgrade."""
    rows = conn.execute("SELECT id, recipients FROM share").fetchall()
    for share_id, raw in rows:
        try:
            names = json.loads(raw)
        except (TypeError, ValueError):
            names = []
        people = [
            {"who": n, "role": "viewer"} if isinstance(n, str) else n
            for n in (names if isinstance(names, list) else [])
            if isinstance(n, str) or (isinstance(n, dict) and isinstance(n.get("who"), str))
        ]
        conn.execute("UPDATE share SET recipients = ? WHERE id = ?", (json.dumps(people), share_id))


def _cannot_create(root: str, folder: str) -> str:
    """Why the store file cannot be created ('' if it can)."""
    target = folder if os.path.isdir(folder) else root
    if _fs_read_only(target):
        return f"{safe(root)} is on a read-only filesystem"
    if not os.access(target, os.W_OK | os.X_OK):
        return f"no write permission on {safe(target)}"
    return ""


def _fs_read_only(path: str) -> bool:
    # statvfs, not a trial write: a read-only session must not create files to find out.
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _connect(path: str, writable: bool, *, immutable: bool = False) -> sqlite3.Connection:
    params = {"mode": "rw" if writable else "ro"}
    if immutable:
        params["immutable"] = "1"
    if writable and not os.path.exists(path):
        params["mode"] = "rwc"
    conn = sqlite3.connect(
        _uri(path, **params),
        uri=True,
        isolation_level=None,  # we issue BEGIN IMMEDIATE ourselves (see the module docstring)
        check_same_thread=False,  # Store serialises use with its own lock
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if writable:
        # Rollback journal (see the module docstring); FULL = fsync on every commit.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _uri(path: str, **params: str) -> str:
    # A URI is the only way to pass mode=ro / immutable; quote() keeps '?' and '#' in
    # folder names from being read as its query or fragment. The path's bytes as on disk
    # are percent-encoded (SQLite decodes them back to those bytes), so a folder whose name
    # is not UTF-8 (surrogate escapes in Python) works like any other.
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{urllib.parse.quote(os.fsencode(path))}?{query}"
