"""The per-space store: durability (kill -9), concurrency, damaged/newer/foreign files,
read-only roots and readers that must not create files."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nobody import Nobody

from phototerm.library.store import (
    SCHEMA_VERSION,
    AlbumRecord,
    PhotoState,
    Recipient,
    Store,
    StoreReadOnly,
)
from phototerm.library.store import database as store_mod

REPO = str(Path(__file__).resolve().parents[2])
WEIRD = "2023/caf\udce9 [bold]x.jpg"  # non-UTF-8 byte + markup-like name


def _root(tmp_path: Path, name: str = "space") -> str:
    root = tmp_path / name
    root.mkdir(exist_ok=True)
    return str(root)


def _db(root: str) -> Path:
    return Path(root) / ".phototerm" / "library.db"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under folder with (size, mtime_ns): proves nothing was created or changed."""
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            st = os.stat(os.path.join(dirpath, name))
            out[os.path.join(dirpath, name)] = (st.st_size, st.st_mtime_ns)
    out["<dirs>"] = tuple(sorted(d for d, _, _ in os.walk(folder)))  # type: ignore[assignment]
    return out


# -- basics ------------------------------------------------------------------------------------


def test_fresh_store_is_rollback_journal_with_schema_version(tmp_path):
    root = _root(tmp_path)
    with Store.open("personal", root) as st:
        assert st.status.writable and st.status.message == ""
        st.put_states({"a.jpg": PhotoState(rating=4)})
    conn = sqlite3.connect(_db(root))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    names = sorted(os.listdir(_db(root).parent))
    assert names == ["library.db"]  # no -wal, -shm or leftover -journal


def test_states_round_trip_including_non_utf8_names(tmp_path):
    root = _root(tmp_path)
    with Store.open("personal", root) as st:
        st.put_states(
            {
                "a.jpg": PhotoState(rating=-1),
                WEIRD: PhotoState(
                    rating=5, description="d\udcffesc", rotation=270, tags=("one", "two\nlines", "")
                ),
                "plain.jpg": PhotoState(tags=()),
            }
        )
    with Store.open("personal", root) as st:
        got = st.get_states(["a.jpg", WEIRD, "plain.jpg", "missing.jpg"])
        assert got["a.jpg"] == PhotoState(rating=-1)
        assert got[WEIRD].rating == 5 and got[WEIRD].rotation == 270
        assert got[WEIRD].description == "d\ufffdesc"
        assert got[WEIRD].tags == ("one", "two lines", "")
        assert got["plain.jpg"].tags == ()  # "no tags" is not "not set"
        assert got["missing.jpg"] == PhotoState()
        assert dict(st.all_states())[WEIRD] == got[WEIRD]
        rows = {r[0]: r for r in st.overlay_rows()}
        assert rows[WEIRD][1:] == (5, "d\ufffdesc", 270, ("one", "two lines", ""))
        # Back to default removes the row
        st.put_states({"a.jpg": PhotoState()})
        assert st.count_states() == 2
    raw = sqlite3.connect(_db(root)).execute("SELECT rel FROM photo").fetchall()
    assert os.fsencode(WEIRD) in {r[0] for r in raw}  # a BLOB of the real bytes


def test_albums_shares_sort_orders(tmp_path):
    root = _root(tmp_path)
    st = Store.open("personal", root)
    st.albums.put(AlbumRecord("Trip", members=[("personal", "a.jpg"), ("shared", "b.jpg")]))
    added = st.albums.add_members("trip", [("personal", WEIRD), ("personal", "a.jpg")])
    assert added == [("personal", WEIRD)]  # what was added, for an undo
    st.albums.put(AlbumRecord("Best", query="rating:>=4"))
    trip = st.albums.get("Trip")
    assert trip.members == [("personal", "a.jpg"), ("shared", "b.jpg"), ("personal", WEIRD)]
    assert [a.name for a in st.albums.all()] == ["Best", "Trip"]
    assert st.albums.get("Best").conditional
    assert st.albums.set_cover("Trip", ("shared", "b.jpg")) is None  # the cover it replaced
    assert st.albums.get("Trip").cover == ("shared", "b.jpg")
    assert st.albums.remove_members("Trip", [("shared", "b.jpg")]) == [("shared", "b.jpg", 1)]
    sid = st.shares.add(
        "album",
        "tok",
        album="Trip",
        recipients=[Recipient("bob", "viewer"), Recipient("@family", "downloader")],
        expires=2e9,
        password_hash="h",
    )
    st.shares.add("photo", "tok2", photo_rel=WEIRD)
    assert st.shares.get("tok").album == "Trip"
    assert st.shares.get("tok").recipients == (
        Recipient("bob", "viewer"),
        Recipient("@family", "downloader"),
    )
    assert st.shares.get("tok2").photo_rel == WEIRD
    assert sid == st.shares.get("tok").id
    with pytest.raises(store_mod.StoreError):
        st.albums.rename("Trip", "best")  # names are unique, case-insensitively
    st.albums.rename("Trip", "Voyage")
    assert st.shares.get("tok").album == "Voyage"
    was, links = st.albums.delete("Voyage")
    assert was.name == "Voyage" and was.members == [("personal", "a.jpg"), ("personal", WEIRD)]
    assert [s.token for s in links] == ["tok"]  # returned for an undo
    assert st.shares.get("tok") is None  # links go with the album
    assert st.shares.get("tok2") is not None
    with pytest.raises(store_mod.StoreError, match="No album"):
        st.albums.add_members("Voyage", [("personal", "a.jpg")])
    st.set_sort_order("album:Best", "rating", True)
    assert st.sort_order("album:Best") == ("rating", True)
    assert st.sort_orders() == {"album:Best": ("rating", True)}
    counts = st.counts()
    assert counts["albums"] == 1 and counts["links"] == 1 and counts["sort_orders"] == 1
    st.reset(albums=True, sort_orders=True)
    assert st.counts() == {"albums": 0, "conditional": 0, "links": 0, "sort_orders": 0, "photos": 0}
    st.close()


def test_batch_of_500_is_one_transaction(tmp_path):
    st = Store.open("personal", _root(tmp_path))
    statements: list[str] = []
    st._db.conn.set_trace_callback(statements.append)
    st.put_states({f"p{i}.jpg": PhotoState(rating=3) for i in range(500)})
    st._db.conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s == "COMMIT" for s in statements) == 1
    assert st.count_states() == 500


def test_changes_since_sees_other_sessions(tmp_path, monkeypatch):
    root = _root(tmp_path)
    a, b = Store.open("personal", root), Store.open("personal", root)
    token = a.change_token()
    assert not a.changes_since(token)
    b.put_states({"x.jpg": PhotoState(rating=2), WEIRD: PhotoState(rating=1)})
    b.albums.put(AlbumRecord("New"))
    ch = a.changes_since(token)
    assert ch.rels == {"x.jpg", WEIRD} and ch.albums and not ch.everything
    assert not a.changes_since(ch.token)
    b.set_sort_order("folder", "name")
    assert a.changes_since(ch.token).other
    # A token older than the kept log means "reload everything".
    monkeypatch.setattr(store_mod, "CHANGELOG_KEEP", 3)
    monkeypatch.setattr(store_mod, "PRUNE_EVERY", 1)
    old = a.change_token()
    for i in range(6):
        b.put_states({f"y{i}.jpg": PhotoState(rating=1)})
    assert a.changes_since(old).everything
    b.reset(albums=True)
    assert a.changes_since(a.change_token() - 1).everything


# -- opening without writing --------------------------------------------------------------------


def test_read_only_open_creates_no_file(tmp_path):
    root = _root(tmp_path)
    st = Store.open("shared", root, read_only=True)  # no store yet: nothing may appear
    assert not st.writable and st.get_states(["a.jpg"])["a.jpg"] == PhotoState()
    st.close()
    assert os.listdir(root) == []
    with Store.open("shared", root) as w:
        w.put_states({"a.jpg": PhotoState(rating=3)})
    before = _snapshot(Path(root))
    ro = Store.open("shared", root, read_only=True)
    assert ro.get_states(["a.jpg"])["a.jpg"].rating == 3
    assert ro.changes_since(0).rels == {"a.jpg"}
    with pytest.raises(StoreReadOnly):
        ro.put_states({"a.jpg": PhotoState(rating=1)})
    # a writer next door still works while the reader is open, and the reader sees it
    with Store.open("shared", root) as w:
        w.put_states({"b.jpg": PhotoState(rating=5)})
    assert ro.get_states(["b.jpg"])["b.jpg"].rating == 5
    ro.close()
    after = _snapshot(Path(root))
    assert set(after) == set(before)  # no -journal, -wal, -shm left or created
    assert after["<dirs>"] == before["<dirs>"]


def test_corrupt_store_is_reported_and_left_untouched(tmp_path):
    root = _root(tmp_path)
    with Store.open("personal", root) as st:
        st.put_states({f"p{i}.jpg": PhotoState(rating=1, tags=("t" * 50,)) for i in range(3000)})
    db = _db(root)
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):  # scribble over every page but the first
        data[offset + 100 : offset + 400] = os.urandom(300)
    db.write_bytes(bytes(data))
    before = _snapshot(db.parent)
    st = Store.open("personal", root)
    assert not st.writable
    assert str(db) in st.status.message and "damaged" in st.status.message
    with pytest.raises(StoreReadOnly):
        st.put_states({"a.jpg": PhotoState(rating=2)})
    st.close()
    assert _snapshot(db.parent) == before  # never silently reset, nothing copied


def test_garbage_file_and_explicit_repair(tmp_path):
    root = _root(tmp_path)
    db = _db(root)
    db.parent.mkdir()
    db.write_bytes(b"this is not a database at all" * 100)
    st = Store.open("personal", root)
    assert not st.writable and str(db) in st.status.message
    assert db.read_bytes().startswith(b"this is not")
    message = st.repair()  # only on request: the old file is kept aside, byte for byte
    aside = [p for p in db.parent.iterdir() if p.name.startswith("library.db.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert aside[0].name in message and st.writable
    st.put_states({"a.jpg": PhotoState(rating=2)})
    st.close()


def test_foreign_sqlite_file_is_not_taken_over(tmp_path):
    root = _root(tmp_path)
    db = _db(root)
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE something(x)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    st = Store.open("personal", root)
    assert not st.writable and "not a phototerm store" in st.status.message
    st.close()
    assert db.read_bytes() == before


def test_newer_schema_opens_read_only(tmp_path):
    root = _root(tmp_path)
    with Store.open("shared", root) as st:
        st.put_states({"a.jpg": PhotoState(rating=4)})
    conn = sqlite3.connect(_db(root))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = _snapshot(_db(root).parent)
    st = Store.open("shared", root)
    assert not st.writable
    assert "newer phototerm" in st.status.message and str(_db(root)) in st.status.message
    assert st.get_states(["a.jpg"])["a.jpg"].rating == 4  # still shown
    with pytest.raises(StoreReadOnly):
        st.put_states({"a.jpg": PhotoState(rating=1)})
    st.close()
    assert _snapshot(_db(root).parent) == before


def test_read_only_filesystem(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
        check=False,
        capture_output=True,
    ).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root in a privileged container)")
    try:
        empty, full = str(mnt / "empty"), str(mnt / "full")
        os.mkdir(empty)
        os.mkdir(full)
        with Store.open("shared", full) as st:
            st.put_states({"a.jpg": PhotoState(rating=5)})
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        st = Store.open("shared", empty)
        assert not st.writable and "read-only" in st.status.message
        st.close()
        st = Store.open("shared", full)
        assert not st.writable and "read-only filesystem" in st.status.message
        assert st.get_states(["a.jpg"])["a.jpg"].rating == 5
        st.close()
        assert not os.path.exists(os.path.join(empty, ".phototerm"))
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# -- as an unprivileged user ---------------------------------------------------------------------


def test_read_only_root_as_unprivileged_user(as_nobody: Nobody) -> None:
    base = Path(as_nobody.base)
    empty = base / "empty"
    empty.mkdir(mode=0o755)
    full = base / "full"
    full.mkdir(mode=0o755)
    with Store.open("shared", str(full)) as st:  # created by root: nobody may only read it
        st.put_states({WEIRD: PhotoState(rating=4, tags=("sea",))})
        st.albums.put(AlbumRecord("Trip", members=[("shared", WEIRD)]))
    before = _snapshot(base)
    out = as_nobody(f"""
        from phototerm.library.store import PhotoState, Store, StoreReadOnly
        for root in ({str(empty)!r}, {str(full)!r}):
            st = Store.open("shared", root)
            print(root.rsplit("/", 1)[-1], st.writable, st.status.message)
            states = st.get_states([{WEIRD!r}])
            print("rating", states[{WEIRD!r}].rating, [a.name for a in st.albums.all()])
            try:
                st.put_states({{"x.jpg": PhotoState(rating=1)}})
            except StoreReadOnly:
                print("refused")
            st.close()
    """)
    lines = out.splitlines()
    assert lines[0].startswith("empty False Shared Space is read-only")
    assert lines[1] == "rating None []" and lines[2] == "refused"
    assert lines[3].startswith("full False Shared Space is read-only (no write permission")
    assert lines[4] == "rating 4 ['Trip']" and lines[5] == "refused"
    assert _snapshot(base) == before  # the reader created nothing, not even a journal


def test_unreadable_store_as_unprivileged_user(as_nobody: Nobody) -> None:
    root = Path(as_nobody.base) / "space"
    root.mkdir(mode=0o755)
    with Store.open("shared", str(root)) as st:
        st.put_states({"a.jpg": PhotoState(rating=4)})
    _db(str(root)).chmod(0o600)
    out = as_nobody(f"""
        from phototerm.library.store import Store
        st = Store.open("shared", {str(root)!r})
        print(st.writable, st.status.message)
    """)
    assert out.startswith("False Cannot read ") and str(_db(str(root))) in out


# -- durability and concurrency -------------------------------------------------------------------

_RATER = """
import sys
from phototerm.library.store import AlbumRecord, PhotoState, Store
root, prefix = sys.argv[1], sys.argv[2]
st = Store.open("personal", root)
assert st.writable, st.status.message
i = 0
while True:
    rel = f"{prefix}/{i}.jpg"
    if i % 7 == 3:
        st.albums.add_members("Album", [("personal", rel)])
        print("album", rel, flush=True)
    else:
        st.put_states({rel: PhotoState(rating=i % 5 + 1, tags=(prefix, str(i)))})
        print("rate", rel, i % 5 + 1, flush=True)
    i += 1
"""


def _python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([REPO, env.get("PYTHONPATH", "")])
    return env


def test_kill_minus_9_never_loses_a_confirmed_edit(tmp_path):
    root = _root(tmp_path)
    with Store.open("personal", root) as st:
        st.albums.put(AlbumRecord("Album"))
    rng = random.Random(4)
    confirmed: list[list[str]] = []
    interrupted = 0
    for run in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", _RATER, root, f"run{run}"],
            stdout=subprocess.PIPE,
            text=True,
            env=_python_env(),
        )
        # Kill at a random moment once it is editing (after 1-40 confirmed edits).
        wanted = rng.randint(1, 40)
        lines = []
        while len(lines) < wanted:
            line = proc.stdout.readline()
            assert line, "the rater died on its own"
            lines.append(line.split())
        time.sleep(rng.random() * 0.02)
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate()
        interrupted += os.path.exists(str(_db(root)) + "-journal")  # killed mid-transaction
        lines += [ln.split() for ln in rest.split("\n")[:-1]]  # the last one may be cut
        confirmed += [
            ln
            for ln in lines
            if ln and (ln[0] == "album" and len(ln) == 2 or ln[0] == "rate" and len(ln) == 3)
        ]
        # The store opens (rolling back any interrupted transaction) and holds every edit.
        with Store.open("personal", root) as st:
            assert st.writable, st.status.message
            rated = [ln for ln in confirmed if ln[0] == "rate"]
            got = st.get_states([ln[1] for ln in rated])
            for _, rel, rating in rated:
                assert got[rel].rating == int(rating), rel
            members = set(st.albums.get("Album").members)
            for ln in confirmed:
                if ln[0] == "album":
                    assert ("personal", ln[1]) in members
    assert len(confirmed) >= 20
    assert interrupted >= 1  # (about 60% of the kills land inside a commit)
    conn = sqlite3.connect(_db(root))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


_WORKER = """
import sys
from phototerm.library.store import PhotoState, Store
root, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
st = Store.open("personal", root)
for i in range(n):
    st.put_states({f"{name}/{i}.jpg": PhotoState(rating=i % 5 + 1)})
    st.albums.add_members("Shared album", [("personal", f"{name}/{i}.jpg")])
    if i % 10 == 0:
        st.put_states({"common.jpg": PhotoState(tags=(name, str(i)))})
print("done", flush=True)
"""


def test_two_processes_editing_at_once_lose_nothing(tmp_path):
    root = _root(tmp_path)
    with Store.open("personal", root) as st:
        st.albums.put(AlbumRecord("Shared album"))
    n = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, root, name, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_python_env(),
        )
        for name in ("a", "b")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "done", err
    with Store.open("personal", root) as st:
        rels = [f"{w}/{i}.jpg" for w in ("a", "b") for i in range(n)]
        states = st.get_states(rels)
        assert all(states[f"{w}/{i}.jpg"].rating == i % 5 + 1 for w in "ab" for i in range(n))
        members = st.albums.get("Shared album").members
        assert sorted(members) == sorted(("personal", r) for r in rels)
        assert st.get_states(["common.jpg"])["common.jpg"].tags[0] in ("a", "b")


def test_a_session_sees_another_process_edit_within_two_seconds(tmp_path):
    root = _root(tmp_path)
    watcher = Store.open("personal", root)
    token = watcher.change_token()
    writer = """
import sys, time
from phototerm.library.store import PhotoState, Store
st = Store.open("personal", sys.argv[1])
st.put_states({"seen.jpg": PhotoState(rating=5)})
print(time.time(), flush=True)
time.sleep(0.5)
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", writer, root], stdout=subprocess.PIPE, text=True, env=_python_env()
    )
    committed = float(proc.stdout.readline())
    deadline = time.time() + 5
    while time.time() < deadline:
        changes = watcher.changes_since(token)
        if changes:
            break
        time.sleep(0.25)  # the TUI polls every 0.5-1 s
    seen = time.time()
    proc.wait(timeout=10)
    assert changes.rels == {"seen.jpg"}
    assert seen - committed < 2.0
    assert watcher.get_states(["seen.jpg"])["seen.jpg"].rating == 5
    watcher.close()


def test_bench_smoke(tmp_path):
    """`phototerm bench --quick` runs the store area end to end (figures, not timings)."""
    from phototerm.bench import BenchOptions
    from phototerm.bench.store import run as bench_run

    figures = {f.name: f for f in bench_run(BenchOptions(quick=True, workdir=str(tmp_path)))}
    assert figures["transactions per 500-photo batch"].value == 1
    assert all(f.value >= 0 and f.unit for f in figures.values())
    assert any(name.startswith("rating edit p50") for name in figures)
    assert os.listdir(tmp_path) == []  # the bench cleans up after itself


# -- a store that is there but cannot be read, told apart from no store at all ------------------


def _filled(root: str, n: int = 3000) -> None:
    with Store.open("personal", root) as st:
        st.put_states({f"p{i}.jpg": PhotoState(rating=5) for i in range(n)})


def _hot_journal(root: str) -> None:
    """A writer killed in the middle of a transaction, as a crash or kill -9 leaves it."""
    _filled(root)
    writer = f"""
import sqlite3, sys
conn = sqlite3.connect({str(_db(root))!r}, isolation_level=None)
conn.execute("PRAGMA cache_size = 1")  # pages go to the file before the commit
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE photo SET rating = 1")
print("in the middle", flush=True)
sys.stdin.read()
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", writer], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "in the middle"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert os.path.getsize(str(_db(root)) + "-journal") > 0


def _truncated(root: str) -> None:
    _filled(root)
    data = _db(root).read_bytes()
    _db(root).write_bytes(data[: len(data) // 3])


def _garbage(root: str) -> None:
    _db(root).parent.mkdir()
    _db(root).write_bytes(os.urandom(50_000))


def _foreign(root: str) -> None:
    _db(root).parent.mkdir()
    conn = sqlite3.connect(_db(root))
    conn.execute("CREATE TABLE notes(x)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_hot_journal, _truncated, _garbage, _foreign])
def test_a_store_that_cannot_be_read_says_so(tmp_path, damage):
    root = _root(tmp_path)
    damage(root)
    before = _snapshot(_db(root).parent)
    with Store.open("personal", root, read_only=True) as st:  # as `ls` opens it
        assert st.status.unreadable and not st.writable
        assert str(_db(root)) in st.status.message
    assert _snapshot(_db(root).parent) == before  # a read-only session changed nothing
    if damage is not _hot_journal:  # (a writer rolls a hot journal back: readable again)
        with Store.open("personal", root) as st:
            assert st.status.unreadable and not st.writable


def test_no_store_yet_and_a_read_only_store_are_not_unreadable(tmp_path):
    root = _root(tmp_path)
    with Store.open("personal", root, read_only=True) as st:
        assert not st.status.unreadable and st.status.message == ""
    _filled(root, 10)
    conn = sqlite3.connect(_db(root))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with Store.open("personal", root) as st:  # newer: read-only, but read
        assert not st.writable and not st.status.unreadable


def test_the_library_names_the_stores_it_could_not_read(tmp_path):
    from phototerm.library import open_library
    from phototerm.library.settings import Settings
    from phototerm.library.spaces import SpaceRoot, SpaceSetup

    personal, shared = _root(tmp_path, "Photos"), _root(tmp_path, "photo")
    _truncated(personal)
    _filled(shared, 10)
    setup = SpaceSetup((SpaceRoot("personal", personal), SpaceRoot("shared", shared)), ())
    with open_library(Settings(), setup, write_cache=False) as library:
        unreadable = library.unreadable_stores
        assert list(unreadable) == ["personal"]
        assert str(_db(personal)) in unreadable["personal"].message
        assert unreadable["personal"].message in library.problems


def test_unreadable_store_folder_as_unprivileged_user(as_nobody: Nobody) -> None:
    root = Path(as_nobody.base) / "space"
    root.mkdir(mode=0o755)
    _filled(str(root), 10)
    os.chmod(_db(str(root)).parent, 0o700)  # root's: nobody may not even look inside
    out = as_nobody(f"""
        from phototerm.library.store import Store
        for read_only in (True, False):
            st = Store.open("shared", {str(root)!r}, read_only=read_only)
            print(st.status.unreadable, st.status.message)
    """)
    for line in out.splitlines():
        assert line.startswith("True Cannot read ") and str(_db(str(root))) in line
