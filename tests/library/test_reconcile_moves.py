"""Photos moved or renamed while no session watched: the next walk (a start, `ls`) finds them
by size and mtime, and their rating, tags, description, rotation and album places follow
them, in the index and in the store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_indexer import jpeg, library
from test_reconcile import opened

from phototerm.library.store import PhotoState, Store

REPO = str(Path(__file__).resolve().parents[2])


def edit(root: Path, cache: Path, rel: str, rating: int = 5) -> None:
    """Rate, tag, describe and rotate ``rel``, and put it in the album "Trip"."""
    with opened(root, cache) as lib:
        assert lib.editor is not None
        pid = lib.index.id_of("personal", rel)
        assert pid is not None
        editor = lib.editor
        assert editor.set_rating([pid], rating).ok
        assert editor.add_tags([pid], ["moved"]).ok
        assert editor.set_description([pid], "follows the file").ok
        assert editor.rotate([pid], 90).ok
        assert editor.albums.create("Trip", [pid]).ok


def carried(lib, rel: str) -> tuple:
    pid = lib.index.id_of("personal", rel)
    assert pid is not None, rel
    photo = lib.index.get(pid)
    return (
        photo.rating,
        photo.tags,
        photo.description,
        lib.index.rotation(pid),
        pid in lib.index.album_ids("Trip"),
    )


EDITED = (5, ("moved",), "follows the file", 90, True)


def test_a_renamed_photo_keeps_its_edits_and_is_not_read_again(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 10)
    edit(root, cache, rels[3])
    os.rename(root / rels[3], root / "2000/renamed.jpg")
    with opened(root, cache) as lib:
        assert lib.from_snapshot
        assert lib.scan.read == 0  # a move costs no read
        assert carried(lib, "2000/renamed.jpg") == EDITED
        assert lib.index.id_of("personal", rels[3]) is None
        store = lib.stores["personal"]
        states = store.get_states([rels[3], "2000/renamed.jpg"])
        assert states[rels[3]] == PhotoState()
        assert states["2000/renamed.jpg"] == PhotoState(5, "follows the file", 90, ("moved",))
        trip = store.albums.get("Trip")
        assert trip is not None and trip.members == [("personal", "2000/renamed.jpg")]
    with opened(root, cache) as lib:  # and it stays so (the snapshot was saved)
        assert lib.scan.read == 0 and carried(lib, "2000/renamed.jpg") == EDITED


def test_a_renamed_folder_keeps_every_photo_s_edits(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 15)
    inside = sorted(r for r in rels if r.startswith("2001/event 1/"))
    edit(root, cache, inside[0], rating=3)
    shutil.move(root / "2001/event 1", root / "2001/Renamed event")
    with opened(root, cache) as lib:
        assert lib.scan.read == 0
        assert len(lib.index) == 15
        new = "2001/Renamed event/" + inside[0].rpartition("/")[2]
        assert carried(lib, new) == (3, *EDITED[1:])
        assert all(lib.index.id_of("personal", r) is None for r in inside)


def test_two_photos_alike_in_size_and_mtime_are_told_apart_by_what_they_say(
    tmp_path: Path,
) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 3)
    first, second = (
        jpeg(root / "a/one.jpg", model="Model A"),
        jpeg(root / "a/two.jpg", model="Model B"),
    )
    assert first.stat().st_size == second.stat().st_size
    for path in (first, second):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    edit(root, cache, "a/one.jpg", rating=2)
    with opened(root, cache) as lib:
        assert lib.editor is not None
        pid = lib.index.id_of("personal", "a/two.jpg")
        assert pid is not None and lib.editor.set_rating([pid], 4).ok
    os.rename(first, root / "b-x.jpg")
    os.rename(second, root / "b-y.jpg")
    with opened(root, cache) as lib:
        assert carried(lib, "b-x.jpg")[0] == 2
        assert carried(lib, "b-y.jpg")[0] == 4
        assert lib.scan.read == 2  # both read: their names alone could not tell


def test_identical_copies_are_not_guessed(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 3)
    original = jpeg(root / "a/one.jpg")
    os.utime(original, (1_600_000_000, 1_600_000_000))
    edit(root, cache, "a/one.jpg", rating=2)
    shutil.copy2(original, root / "copy-1.jpg")
    os.rename(original, root / "copy-2.jpg")
    with opened(root, cache) as lib:
        # two new files, the same bytes: which one was moved cannot be told
        assert carried(lib, "copy-1.jpg")[0] == 0 and carried(lib, "copy-2.jpg")[0] == 0
        assert lib.stores["personal"].get_states(["a/one.jpg"])["a/one.jpg"].rating == 2


def test_ls_finds_the_move_and_the_edits_follow(tmp_path: Path) -> None:
    root, xdg = tmp_path / "root", tmp_path / "xdg-cache"
    cache = xdg / "phototerm"  # the cache `phototerm ls` uses with this XDG_CACHE_HOME
    rels = library(root, 6)
    edit(root, cache, rels[1])
    os.rename(root / rels[1], root / "moved here.jpg")
    env = dict(os.environ, PYTHONPATH=REPO, XDG_CACHE_HOME=str(xdg))
    done = subprocess.run(
        [sys.executable, "-m", "phototerm", "ls", "--json", "--personal", str(root),
         "--shared", "", "rating:5"],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == "phototerm: Shared Space is off (--shared is empty)\n"
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(p["path"], p["tags"], p["rotation"]) for p in found] == [
        (str(root / "moved here.jpg"), ["moved"], 90)
    ]
    store = Store.open("personal", str(root), read_only=True)
    assert store.get_states(["moved here.jpg"])["moved here.jpg"].rating == 5  # re-keyed
    trip = store.albums.get("Trip")
    assert trip is not None and trip.members == [("personal", "moved here.jpg")]
    store.close()
    with opened(root, cache) as lib:  # the next session finds it all where it is now
        assert lib.scan.read == 0 and carried(lib, "moved here.jpg") == EDITED


def test_a_folder_renamed_back_and_forth_between_starts_keeps_its_photos(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 15)
    with opened(root, cache) as lib:
        assert len(lib.index) == 15
    for there, back in (("2001", "2001 moved"), ("2001 moved", "2001"), ("2001", "2001 again")):
        shutil.move(root / there, root / back)
        with opened(root, cache) as lib:
            assert lib.from_snapshot and lib.scan.read == 0
            assert len(lib.index) == 15, (there, back, lib.index.removed_rows)
            assert lib.index.count(f'folder:"{back}"') == 5


def test_every_photo_moved_back_and_forth_between_starts_stays(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root / "card", 15)
    with opened(root, cache) as lib:
        assert len(lib.index) == 15
    for there, back in (("card", "card moved"), ("card moved", "card"), ("card", "card again")):
        shutil.move(root / there, root / back)
        with opened(root, cache) as lib:
            assert lib.from_snapshot and lib.scan.read == 0
            assert len(lib.index) == 15, (there, back, lib.index.removed_rows)
