"""Following the disk while a library is open: real inotify events in tmp_path, a file read
once whole, moves that keep edits, removals, sidecars, churn that never enters, a burst,
the fall-backs (a forced low watch limit, a network filesystem, lost events) and another
process's edits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_indexer import jpeg, library

from phototerm.library import open_library, resolve
from phototerm.library.ingest import watch
from phototerm.library.opening.library import Library
from phototerm.library.opening.live import LiveEvent, LiveLibrary, follow
from phototerm.library.settings import Settings, WatchSettings, load_settings
from phototerm.library.store import PhotoState

REPO = str(Path(__file__).resolve().parents[2])
SETTLE = 0.2


class Seen:
    """What the live library told: its events, notes and new-photo counts."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []
        self.notes: list[str] = []
        self.pending: list[int] = []
        self.cond = threading.Condition()

    def got(self, events: list[LiveEvent]) -> None:
        with self.cond:
            self.events += events
            self.cond.notify_all()

    def note(self, message: str) -> None:
        with self.cond:
            self.notes.append(message)
            self.cond.notify_all()

    def until(self, check: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not check():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; events so far: {self.kinds()}"
                self.cond.wait(min(left, 0.1))

    def kinds(self) -> list[tuple[str, str]]:
        return [(e.kind, e.rel) for e in self.events]


@contextmanager
def watching(
    root: Path, tmp_path: Path, **watch_settings: float
) -> Iterator[tuple[Library, LiveLibrary, Seen]]:
    settings = Settings(watch=WatchSettings(**{"settle": SETTLE, **watch_settings}))  # type: ignore[arg-type]
    setup = resolve(settings, str(root), "", env={})
    lib = open_library(settings, setup, writable=True, cache_dir=str(tmp_path / "cache"))
    seen = Seen()
    live = follow(lib, seen.got, note=seen.note, pending=seen.pending.append)
    try:
        yield lib, live, seen
    finally:
        live.stop()
        lib.close()


def rels(lib: Library) -> set[str]:
    return {lib.index.get(i).rel for i in lib.index.ids()}


def test_a_new_photo_is_indexed_once_whole(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 3)
    with watching(root, tmp_path) as (lib, _live, seen):
        jpeg(root / "new/IMG_9.jpg", model="Fresh")
        seen.until(lambda: ("added", "new/IMG_9.jpg") in seen.kinds())
        pid = lib.index.id_of("personal", "new/IMG_9.jpg")
        assert pid is not None and lib.index.get(pid).model == "Fresh"
        assert lib.index.search("fresh") == [pid]  # searches find it at once
        assert lib.index.search(sort="taken", descending=True)  # the orders are whole
        assert seen.pending[-1] == 0 and 1 in seen.pending  # "1 new photo" was told


def test_a_slow_write_is_read_once_when_it_stops_changing(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 2)
    whole = jpeg(tmp_path / "elsewhere.jpg", model="Slow").read_bytes()
    with watching(root, tmp_path, settle=0.5) as (lib, _live, seen):
        path = root / "slow.jpg"
        with open(path, "wb") as fh:  # written in pieces, each well within the settle time
            for start in range(0, len(whole), len(whole) // 5 + 1):
                fh.write(whole[start : start + len(whole) // 5 + 1])
                fh.flush()
                time.sleep(0.15)
        seen.until(lambda: ("added", "slow.jpg") in seen.kinds())
        time.sleep(1.0)
        assert seen.kinds().count(("added", "slow.jpg")) == 1
        assert not any(kind == "changed" for kind, _rel in seen.kinds())
        photo = lib.index.get(lib.index.id_of("personal", "slow.jpg"))  # type: ignore[arg-type]
        assert (photo.model, photo.error) == ("Slow", "")


def test_partial_downloads_and_churn_never_enter(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 2)
    data = jpeg(tmp_path / "x.jpg").read_bytes()
    with watching(root, tmp_path) as (lib, _live, seen):
        for name in ("a.jpg.part", "b.jpg.crdownload", "c.tmp", ".hidden.jpg"):
            (root / name).write_bytes(data)
        (root / "@eaDir" / "a.jpg").mkdir(parents=True)
        (root / "@eaDir" / "a.jpg" / "SYNOPHOTO_THUMB_SM.jpg").write_bytes(data)
        (root / "#recycle").mkdir()
        (root / "#recycle" / "old.jpg").write_bytes(data)
        os.rename(root / "a.jpg.part", root / "a.jpg")  # the download is complete
        seen.until(lambda: ("added", "a.jpg") in seen.kinds())
        time.sleep(4 * SETTLE)
        assert seen.kinds() == [("added", "a.jpg")]
        assert rels(lib) - set(library_rels(2)) == {"a.jpg"}


def library_rels(n: int) -> list[str]:
    return [f"{2000 + i % 3}/event {i % 5}/IMG_{i:04d}.JPG" for i in range(n)]


def test_changed_removed_and_sidecar_changes(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = library(root, 4)
    with watching(root, tmp_path) as (lib, _live, seen):
        first = lib.index.id_of("personal", names[0])
        jpeg(root / names[0], model="Rewritten")
        os.remove(root / names[1])
        (root / (names[2] + ".xmp")).write_text(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3"/>'
            "</rdf:RDF></x:xmpmeta>"
        )
        seen.until(
            lambda: (
                {("changed", names[0]), ("removed", names[1]), ("changed", names[2])}
                <= set(seen.kinds())
            )
        )
        assert lib.index.id_of("personal", names[0]) == first  # rewritten in place
        assert lib.index.get(first).model == "Rewritten"  # type: ignore[arg-type]
        assert lib.index.id_of("personal", names[1]) is None
        assert lib.index.get(lib.index.id_of("personal", names[2])).rating == 3  # type: ignore[arg-type]


def test_a_rename_keeps_rating_and_album(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = library(root, 5)
    with watching(root, tmp_path) as (lib, _live, seen):
        assert lib.editor is not None
        pid = lib.index.id_of("personal", names[2])
        assert pid is not None
        assert lib.editor.set_rating([pid], 4).ok
        assert lib.editor.albums.create("Kept", [pid]).ok
        os.rename(root / names[2], root / "renamed.jpg")
        seen.until(lambda: ("moved", "renamed.jpg") in seen.kinds())
        event = next(e for e in seen.events if e.kind == "moved")
        assert event.from_path == str(root / names[2]) and event.from_id == pid
        new = lib.index.id_of("personal", "renamed.jpg")
        assert new == event.id and lib.index.get(new).rating == 4  # type: ignore[arg-type]
        assert lib.index.album_ids("Kept") == [new]
        store = lib.stores["personal"]
        assert store.get_states(["renamed.jpg"])["renamed.jpg"] == PhotoState(4)
        kept = store.albums.get("Kept")
        assert kept is not None and kept.members == [("personal", "renamed.jpg")]
        assert lib.editor.undo().ok  # the album's creation
        assert lib.editor.undo().ok  # the rating: found at its new path
        assert lib.index.get(new).rating == 0  # type: ignore[arg-type]


def test_a_moved_folder_keeps_its_photos_edits(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = library(root, 10)
    inside = sorted(n for n in names if n.startswith("2001/event 1/"))
    with watching(root, tmp_path) as (lib, _live, seen):
        assert lib.editor is not None
        pid = lib.index.id_of("personal", inside[0])
        assert pid is not None and lib.editor.set_rating([pid], 5).ok
        shutil.move(root / "2001/event 1", root / "2001/Renamed")
        moved = {f"2001/Renamed/{n.rpartition('/')[2]}" for n in inside}
        seen.until(lambda: moved <= {rel for kind, rel in seen.kinds() if kind == "moved"})
        assert not any(kind == "removed" for kind, _ in seen.kinds())
        new = lib.index.id_of("personal", f"2001/Renamed/{inside[0].rpartition('/')[2]}")
        assert lib.index.get(new).rating == 5  # type: ignore[arg-type]
        assert len(lib.index) == 10


def test_a_folder_moved_while_watched_and_back_while_not_keeps_its_photos(
    tmp_path: Path,
) -> None:
    # What the watched session saw of the folders is kept for the next start's walk: the
    # folder it saw leave must not be taken, when it comes back, for one that never changed.
    root = tmp_path / "root"
    names = library(root, 10)
    inside = sorted(n for n in names if n.startswith("2001/"))
    with watching(root, tmp_path) as (lib, _live, seen):
        shutil.move(root / "2001", root / "2001 moved")
        seen.until(lambda: sum(kind == "moved" for kind, _ in seen.kinds()) == len(inside))
    shutil.move(root / "2001 moved", root / "2001")
    settings = Settings(watch=WatchSettings(settle=SETTLE))
    setup = resolve(settings, str(root), "", env={})
    with open_library(settings, setup, writable=True, cache_dir=str(tmp_path / "cache")) as lib:
        assert lib.from_snapshot
        assert rels(lib) == set(names)


@pytest.mark.slow
def test_a_burst_of_2000_files(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 3)
    source = jpeg(tmp_path / "source.jpg").read_bytes()
    with watching(root, tmp_path) as (lib, _live, seen):
        for i in range(2000):
            path = root / "burst" / f"{i // 200:02d}" / f"IMG_{i:05d}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(source)
        seen.until(lambda: sum(kind == "added" for kind, _ in seen.kinds()) >= 2000, 120)
        assert len(lib.index) == 2003
        assert len({rel for kind, rel in seen.kinds() if kind == "added"}) == 2000
        assert lib.index.count("folder:burst") == 2000
        assert max(seen.pending) > 100 and seen.pending[-1] == 0


def test_a_forced_low_limit_falls_back_to_walks_and_says_so_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 6)  # a dozen folders
    with watching(root, tmp_path, inotify_limit=3, reconcile_interval=1.0) as (lib, live, seen):
        assert live.watcher.walked and not live.watcher.watched
        assert len(seen.notes) == 1
        assert "fs.inotify.max_user_watches" in seen.notes[0]
        assert "every 1 s" in seen.notes[0]
        jpeg(root / "2000/late.jpg")
        seen.until(lambda: ("added", "2000/late.jpg") in seen.kinds(), 10)
        time.sleep(1.5)  # another walk or two: nothing more to say
        assert len(seen.notes) == 1
        assert "2000/late.jpg" in rels(lib)


def test_a_network_filesystem_is_walked_instead(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        f"server:/photo {tmp_path}/nas\\040share nfs4 rw 0 0\n"
        f"sshfs#me@host: {tmp_path}/remote fuse.sshfs rw 0 0\n"
    )
    assert watch.network_filesystem(str(tmp_path / "nas share" / "2020"), str(mounts)) == "nfs4"
    assert watch.network_filesystem(str(tmp_path / "remote"), str(mounts)) == "fuse.sshfs"
    assert watch.network_filesystem(str(tmp_path / "local"), str(mounts)) == ""
    assert watch.network_filesystem(str(tmp_path), str(tmp_path / "no-such-file")) == ""


def test_network_spaces_fall_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    library(root, 2)
    monkeypatch.setattr(watch, "network_filesystem", lambda path, mounts="": "cifs")
    with watching(root, tmp_path, reconcile_interval=1.0) as (_lib, live, seen):
        assert not live.watcher.watched
        assert seen.notes == [
            (
                "Personal Space is on a network filesystem (cifs), which does not report changes "
                "made on other machines: checking it for changes every 1 s instead"
            )
        ]


def test_lost_events_are_made_up_by_a_walk(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 3)
    with watching(root, tmp_path) as (_lib, live, seen):
        assert live.watcher.watched
        live.watcher._events.put(("lost", "", "", True))  # as the kernel's queue overflowing
        seen.until(lambda: len(seen.notes) == 1)
        assert "events were lost" in seen.notes[0] and "max_queued_events" in seen.notes[0]
        live.watcher._events.put(("lost", "", "", True))
        time.sleep(0.5)
        assert len(seen.notes) == 1  # said once


def test_another_process_edits_are_polled(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = library(root, 3)
    with watching(root, tmp_path) as (lib, live, _seen):
        assert live.poll_edits() == []
        code = (
            "import sys\n"
            "from phototerm.library.store import Store, PhotoState\n"
            "s = Store.open('personal', sys.argv[1])\n"
            "s.update_states([sys.argv[2]], lambda rel, st: PhotoState(2, 'other', 0, None))\n"
        )
        env = dict(os.environ, PYTHONPATH=REPO)
        done = subprocess.run(
            [sys.executable, "-c", code, str(root), names[1]], env=env, check=False, timeout=60
        )
        assert done.returncode == 0
        events = live.poll_edits()
        assert [(e.kind, e.rel) for e in events] == [("edited", names[1])]
        assert lib.index.get(lib.index.id_of("personal", names[1])).description == "other"  # type: ignore[arg-type]
        assert live.poll_edits() == []


def test_the_next_start_finds_what_watching_saw(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 4)
    with watching(root, tmp_path) as (_lib, _live, seen):
        jpeg(root / "2000/added while open.jpg")
        seen.until(lambda: ("added", "2000/added while open.jpg") in seen.kinds())
    settings = load_settings()
    with open_library(
        settings, resolve(settings, str(root), "", env={}), cache_dir=str(tmp_path / "cache")
    ) as lib:
        assert lib.from_snapshot and lib.scan.read == 0  # saved when watching stopped
        assert "2000/added while open.jpg" in rels(lib)


def test_watch_settings_are_checked(tmp_path: Path) -> None:
    from phototerm.library.settings import _checked

    got = _checked(
        {"watch": {"settle": -1, "reconcile_interval": 60, "inotify_limit": "lots", "x": 1}},
        tmp_path / "config.toml",
    )
    assert got.watch == WatchSettings(settle=1.0, reconcile_interval=60.0, inotify_limit=0)
    assert got.problems == (
        "config.toml: [watch] settle = -1 is not a number of seconds from 0 to 60 (using 1)",
        (
            "config.toml: [watch] inotify_limit = 'lots' is not a whole number of 0 or more "
            "(using 0: the system's limit)"
        ),
        "config.toml: [watch] unknown setting 'x' (ignored)",
    )
    assert _checked({"watch": 3}, tmp_path / "config.toml").problems == (
        "config.toml: [watch] must be a table (ignored)",
    )


def test_counting_folders_stops_early(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"d{i}" / "sub").mkdir(parents=True)
    assert watch.count_folders(str(tmp_path)) == 11
    assert watch.count_folders(str(tmp_path), stop_above=3) == 4


def test_bench_watch_smoke(tmp_path: Path) -> None:
    # The figures are for `phototerm bench --only watch`; this checks its in-process parts
    # measure something real: every photo added is found, every burst file indexed.
    from phototerm.bench import watch as bench

    added = {f.name.split(" @")[0].strip(): f for f in bench._one_added(3000)}
    first = added["one photo added"]
    assert first.value > 0 and first.baseline and first.baseline > 0
    assert next(f for f in added.values() if "found" in f.name).value == bench.ADDS
    burst = bench._burst(40, str(tmp_path))
    assert burst[0].value < float("inf") and burst[2].value == 40


def test_stopping_says_nothing_about_watches_stopping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stopping stops watchdog's threads while the watcher's own may still be checking them:
    # that is no space "stopped being watched", and must not be said as one.
    monkeypatch.setattr(watch, "CHECK_EVERY", 0.0)
    root = tmp_path / "root"
    library(root, 2)
    for _ in range(3):
        with watching(root, tmp_path) as (_lib, live, seen):
            (root / "x.jpg").write_bytes(jpeg(tmp_path / "x.jpg").read_bytes())
            seen.until(lambda: ("added", "x.jpg") in seen.kinds())
            (root / "x.jpg").unlink()
        assert live.watcher._thread is not None and not live.watcher._thread.is_alive()
        assert seen.notes == []
