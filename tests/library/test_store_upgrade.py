"""Schema version 2 (share permission, creator, last opening, recipients with roles): a
writable session upgrades a version-1 store in one transaction; a read-only one reads it as it
is; a store of a newer version stays read-only."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from phototerm.library.store import SCHEMA_VERSION, AlbumRecord, Recipient, Store, StoreReadOnly
from phototerm.library.store import schema as schema_mod

# The version-1 schema as phototerm 0.1 wrote it (the share table without the v2 columns).
V1_SCHEMA = schema_mod.SCHEMA.replace(
    """    recipients TEXT NOT NULL DEFAULT '[]', -- JSON: [{"who": "alice" | "@group", "role": ...}]
    permission TEXT NOT NULL DEFAULT 'view' CHECK (permission IN ('view', 'download')),
    created_by TEXT,
    last_opened REAL
);""",
    """    recipients TEXT NOT NULL DEFAULT '[]'
);""",
)


def _v1_store(root: Path) -> Path:
    """A version-1 store with an album, its link and a share with two people."""
    assert V1_SCHEMA != schema_mod.SCHEMA
    db = root / ".phototerm" / "library.db"
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO album(id, name, created) VALUES (1, 'Trip', 1.0)")
    conn.execute(
        "INSERT INTO share(kind, token, album, created, expires, password_hash, recipients) "
        "VALUES ('album', 'tok-link', 1, 2.0, NULL, 'h', '[]')"
    )
    conn.execute(
        "INSERT INTO share(kind, token, album, created, recipients) "
        """VALUES ('album', 'tok-people', 1, 3.0, '["bob", "@family"]')"""
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    return db


def _columns(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[1] for row in conn.execute("PRAGMA table_info(share)")}
    finally:
        conn.close()


def test_a_writable_session_upgrades_a_version_1_store(tmp_path: Path) -> None:
    db = _v1_store(tmp_path)
    with Store.open("shared", str(tmp_path)) as st:
        assert st.writable and st.status.version == SCHEMA_VERSION == 2
        people = st.shares.get("tok-people")
        assert people is not None
        assert people.recipients == (Recipient("bob", "viewer"), Recipient("@family", "viewer"))
        link = st.shares.get("tok-link")
        assert link is not None and link.permission == "view" and link.password_hash == "h"
        assert link.album == "Trip" and link.last_opened is None
        st.shares.opened(link.id, 1234.0)  # a version-2 column, written
        assert st.shares.get("tok-link").last_opened == 1234.0  # type: ignore[union-attr]
    assert {"permission", "created_by", "last_opened"} <= _columns(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    raw = conn.execute("SELECT recipients FROM share WHERE token='tok-people'").fetchone()[0]
    assert json.loads(raw) == [
        {"who": "bob", "role": "viewer"},
        {"who": "@family", "role": "viewer"},
    ]
    conn.close()


def test_the_upgrade_is_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the middle of the upgrade leaves the version-1 store exactly as it was."""
    db = _v1_store(tmp_path)
    before = db.read_bytes()

    def broken(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(schema_mod, "_recipients_to_objects", broken)
    with Store.open("shared", str(tmp_path)) as st:
        assert not st.writable and "Cannot upgrade" in st.status.message
    assert db.read_bytes() == before
    assert "permission" not in _columns(db)  # the ALTERs before the failure were rolled back
    assert not os.path.exists(str(db) + "-journal")


def test_a_read_only_session_reads_a_version_1_store_as_it_is(tmp_path: Path) -> None:
    db = _v1_store(tmp_path)
    before = db.read_bytes()
    with Store.open("shared", str(tmp_path), read_only=True) as st:
        assert not st.writable and st.status.version == 1
        shares = {s.token: s for s in st.shares.all()}
        assert shares["tok-people"].recipients == (
            Recipient("bob", "viewer"),
            Recipient("@family", "viewer"),
        )
        assert shares["tok-link"].permission == "view" and shares["tok-link"].album == "Trip"
        st.shares.opened(shares["tok-link"].id)  # a reader writes nothing, not even this
        with pytest.raises(StoreReadOnly):
            st.shares.add("album", "new-token", album="Trip")
    assert db.read_bytes() == before
    assert "permission" not in _columns(db)


def test_a_version_3_store_stays_read_only_and_untouched(tmp_path: Path) -> None:
    with Store.open("shared", str(tmp_path)) as st:
        st.albums.put(AlbumRecord("Trip"))
        st.shares.add("album", "tok", album="Trip", permission="download")
    db = tmp_path / ".phototerm" / "library.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with Store.open("shared", str(tmp_path)) as st:
        assert not st.writable and "newer phototerm" in st.status.message
        share = st.shares.get("tok")
        assert share is not None and share.permission == "download"
        st.shares.opened(share.id)
    assert db.read_bytes() == before
