"""Two sessions editing the same photos at the same moment: every edit of both is kept.

Each edit is a read-modify-write inside one write transaction (``Store.update_states``), so
the second writer builds on what the first committed. The race is made certain, not lucky:
both sessions (separate processes, as two users or a script and the browser) wait at a
barrier at the moment their Editor starts its store write, then go together. An Editor that
read the photos' states before its transaction (and wrote whole rows after) loses one of the
two edits on every run here, because both reads happen before either write.

Undo is a read-modify-write too: it takes back its own edit and nothing another session did
since (see edits/revert.py for the rule, field by field).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from phototerm.library.edits import Editor
from phototerm.library.index import Index
from phototerm.library.photo import Photo
from phototerm.library.roles import Identity
from phototerm.library.store import AlbumRecord, PhotoState, Store
from phototerm.library.store import database as database_mod
from phototerm.library.store.overlay import load_overlay

ROOT_ID = Identity("root", frozenset({"root"}), 0)
N = 3000
FORK = multiprocessing.get_context("fork")


def _photos(root: str, n: int = N) -> list[Photo]:
    return [
        Photo("personal", root, f"{i // 500}/IMG_{i:05d}.jpg", size=1000 + i, mtime=1.7e9 + i)
        for i in range(n)
    ]


def _session(root: str) -> Editor:
    index = Index()
    index.add_many(_photos(root))
    store = Store.open("personal", root)
    load_overlay(index, {"personal": store})
    return Editor(index, {"personal": store}, ROOT_ID, None)


# What each session does, by name (a forked child looks it up here).
EDITS: dict[str, Callable[[Editor], object]] = {
    "tag A": lambda ed: ed.add_tags(ed.index.ids(), ["A"]),
    "tag B": lambda ed: ed.add_tags(ed.index.ids(), ["B"]),
    "rate 4": lambda ed: ed.set_rating(ed.index.ids(), 4),
    "reject": lambda ed: ed.reject(ed.index.ids()),
    "describe": lambda ed: ed.set_description(ed.index.ids(), "harbour"),
    "rotate": lambda ed: ed.rotate(ed.index.ids(), 90),
    "untag old": lambda ed: ed.remove_tags(ed.index.ids(), ["old"]),
    "album first half": lambda ed: ed.albums.add("Trip", ed.index.ids()[: N // 2]),
    "album second half": lambda ed: ed.albums.add("Trip", ed.index.ids()[N // 2 :]),
}


def _child(root: str, edit: str, barrier: threading.Barrier, out: multiprocessing.Queue) -> None:
    """One session: opens the library, then makes its edit, waiting at ``barrier`` when the
    Editor opens its first write transaction (so both sessions write at the same moment)."""
    try:
        original = database_mod.Database.write
        armed = [False]

        @contextmanager
        def write(self: database_mod.Database) -> Iterator[object]:
            if armed[0]:
                armed[0] = False
                barrier.wait(timeout=20)
            with original(self) as conn:
                yield conn

        database_mod.Database.write = write  # type: ignore[method-assign]
        editor = _session(root)
        armed[0] = True
        result = EDITS[edit](editor)
        out.put((edit, getattr(result, "ok", False), getattr(result, "message", "")))
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        out.put((edit, False, f"{type(exc).__name__}: {exc}"))


def _race(root: str, first: str, second: str) -> None:
    barrier = FORK.Barrier(2)
    out = FORK.Queue()
    procs = [FORK.Process(target=_child, args=(root, e, barrier, out)) for e in (first, second)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    for edit, ok, message in results:
        assert ok, f"{edit}: {message}"


def _states(root: str) -> dict[str, PhotoState]:
    with Store.open("personal", root) as store:
        return store.get_states(p.rel for p in _photos(root))


@pytest.fixture
def root(tmp_path: Path) -> str:
    folder = tmp_path / "Photos"
    folder.mkdir()
    return str(folder)


def test_two_tag_edits_at_once_keep_both_tags(root: str) -> None:
    for run in range(3):
        with Store.open("personal", root) as store:  # start again from no tags
            store.put_states({p.rel: PhotoState() for p in _photos(root)})
        _race(root, "tag A", "tag B")
        states = _states(root)
        missing = [rel for rel, s in states.items() if set(s.tags or ()) != {"A", "B"}]
        assert not missing, f"run {run}: {len(missing)} of {N} photos lost a tag"


def test_rating_and_tag_at_once_keep_both(root: str) -> None:
    _race(root, "rate 4", "tag B")
    states = _states(root)
    assert all(s.rating == 4 and s.tags == ("B",) for s in states.values())


def test_description_and_rotation_at_once_keep_both(root: str) -> None:
    _race(root, "rotate", "describe")
    states = _states(root)
    assert all(s.rotation == 90 and s.description == "harbour" for s in states.values())


def test_reject_and_tag_removal_at_once_keep_both(root: str) -> None:
    with Store.open("personal", root) as store:
        store.put_states({p.rel: PhotoState(tags=("old", "keep")) for p in _photos(root)})
    _race(root, "reject", "untag old")
    states = _states(root)
    assert all(s.rating == -1 and s.tags == ("keep",) for s in states.values())


def test_two_sessions_adding_to_one_album_keep_every_photo(root: str) -> None:
    with Store.open("personal", root) as store:
        store.albums.put(AlbumRecord("Trip"))
    _race(root, "album first half", "album second half")
    with Store.open("personal", root) as store:
        trip = store.albums.get("Trip")
    assert trip is not None
    assert sorted(trip.members) == sorted(("personal", p.rel) for p in _photos(root))


def test_a_500_photo_edit_is_one_transaction(root: str) -> None:
    editor = _session(root)
    store = editor.stores["personal"]
    statements: list[str] = []
    store._db.conn.set_trace_callback(statements.append)  # what SQLite runs, to count
    try:
        assert editor.set_rating(editor.index.ids()[:500], 3).ok
        assert editor.add_tags(editor.index.ids()[:500], ["x"]).ok
    finally:
        store._db.conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN IMMEDIATE") for s in statements) == 2
    assert sum(s == "COMMIT" for s in statements) == 2
    # the read of what it changes is inside that transaction
    reads = [i for i, s in enumerate(statements) if s.startswith("SELECT * FROM photo")]
    begins = [i for i, s in enumerate(statements) if s.startswith("BEGIN")]
    assert reads and all(i > begins[0] for i in reads)


# -- undo takes back its own edit only ----------------------------------------------------------


def _two_sessions(root: str, n: int = 20) -> tuple[Editor, Editor]:
    def session() -> Editor:
        index = Index()
        index.add_many(_photos(root, n))
        store = Store.open("personal", root)
        load_overlay(index, {"personal": store})
        return Editor(index, {"personal": store}, ROOT_ID, None)

    return session(), session()


def test_undo_keeps_what_another_session_changed_since(root: str) -> None:
    mine, theirs = _two_sessions(root)
    ids = mine.index.ids()[:5]
    mine.set_rating(ids, 2)
    mine.add_tags(ids, ["mine"])
    assert mine.set_rating(ids, 5).ok  # the edit to undo
    theirs.refresh()
    assert theirs.add_tags(ids[:3], ["theirs"]).ok  # another field, after my edit
    assert theirs.set_rating(ids[3:], 1).ok  # the same field, after my edit
    assert mine.undo().ok
    states = _states(root)
    rels = [mine.index.get(i).rel for i in ids]
    # My rating comes back where nobody rated since; their later rating stays.
    assert [states[r].rating for r in rels] == [2, 2, 2, 1, 1]
    # Their tag stays: the undo of a rating does not touch tags.
    assert [states[r].tags for r in rels] == [("mine", "theirs")] * 3 + [("mine",)] * 2
    mine.refresh()
    assert [mine.index.get(i).rating for i in ids] == [2, 2, 2, 1, 1]


def test_undo_of_a_tag_takes_only_that_tag(root: str) -> None:
    mine, theirs = _two_sessions(root)
    ids = mine.index.ids()[:4]
    assert mine.add_tags(ids, ["sea"]).ok
    theirs.refresh()
    assert theirs.add_tags(ids, ["sun"]).ok
    assert theirs.rotate(ids[:1], 90).ok
    assert mine.undo().ok
    states = _states(root)
    rels = [mine.index.get(i).rel for i in ids]
    assert [states[r].tags for r in rels] == [("sun",)] * 4
    assert states[rels[0]].rotation == 90


def test_undo_of_an_album_edit_keeps_another_sessions_members_and_cover(root: str) -> None:
    mine, theirs = _two_sessions(root)
    ids = mine.index.ids()
    assert mine.albums.create("Trip", ids[:2]).ok
    assert mine.albums.add("Trip", ids[2:4]).ok  # the edit to undo
    assert theirs.albums.add("Trip", ids[10:12]).ok
    assert theirs.albums.set_cover("Trip", ids[10]).ok
    assert mine.undo().ok
    with Store.open("personal", root) as store:
        trip = store.albums.get("Trip")
    assert trip is not None
    rels = [mine.index.get(i).rel for i in ids]
    assert [r for _, r in trip.members] == [rels[0], rels[1], rels[10], rels[11]]
    assert trip.cover == ("personal", rels[10])
    # and an undo of a cover leaves a cover chosen since alone
    assert mine.albums.set_cover("Trip", ids[0]).ok
    assert theirs.albums.set_cover("Trip", ids[1]).ok
    assert mine.undo().ok
    with Store.open("personal", root) as store:
        assert store.albums.get("Trip").cover == ("personal", rels[1])
    # an undo of a removal puts the photo back in its place
    assert theirs.albums.remove("Trip", [ids[1]]).ok
    assert theirs.undo().ok
    with Store.open("personal", root) as store:
        assert [r for _, r in store.albums.get("Trip").members][:2] == [rels[0], rels[1]]


# -- the command line, end to end ---------------------------------------------------------------


REPO = str(Path(__file__).resolve().parents[2])


@pytest.mark.slow
def test_tag_and_rate_commands_at_once_keep_both(tmp_path: Path) -> None:
    """`phototerm tag add` and `phototerm rate` started together on the same photos (real
    processes, no barrier: the race is as it comes)."""
    root = tmp_path / "Photos"
    paths = []
    for i in range(N):
        path = root / f"{i // 500}" / f"IMG_{i:04d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (8, 6), (i % 255, 90, 30)).save(path, "JPEG")
        paths.append(str(path))
    env = dict(os.environ, PYTHONPATH=REPO)
    common = ["--personal", str(root), "--shared", ""]
    index = [sys.executable, "-m", "phototerm", "index", *common]
    subprocess.run(index, env=env, check=True, capture_output=True)  # a warm metadata cache
    commands = [
        [sys.executable, "-m", "phototerm", "tag", "add", "A", *paths, *common],
        [sys.executable, "-m", "phototerm", "rate", "4", *paths, *common],
        [sys.executable, "-m", "phototerm", "tag", "add", "B", *paths, *common],
    ]
    procs = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Store.open("personal", str(root)) as store:
        rels = [os.path.relpath(p, root) for p in paths]
        states = store.get_states(rels)
    assert all(s.rating == 4 and set(s.tags or ()) == {"A", "B"} for s in states.values())
