"""Opening from the snapshot: one walk finds what changed, and only that is read again; the
stores' edits made meanwhile (by another session, or a replaced store) are on the index."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import time
from pathlib import Path

import pytest
from test_indexer import jpeg, library

from phototerm.library import load_settings, open_library, resolve
from phototerm.library.index import snapshot
from phototerm.library.opening import Library


def opened(root: Path, cache: Path, **kw) -> Library:
    settings = load_settings()
    return open_library(settings, resolve(settings, str(root), "", env={}), cache_dir=str(cache), writable=True, **kw)  # fmt: skip


def listing(lib: Library) -> dict[str, tuple[int, str, int]]:
    """rel -> (id, camera model, rating) of every photo."""
    ix = lib.index
    return {ix.get(i).rel: (i, ix.get(i).model, ix.get(i).rating) for i in ix.ids()}


def test_a_second_open_reads_nothing_and_sees_every_change(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 40)
    with opened(root, cache) as first:
        assert not first.from_snapshot and first.scan.read == 40
        before = listing(first)
    with opened(root, cache) as second:
        assert second.from_snapshot
        assert (second.scan.read, second.scan.cached, second.changed) == (0, 40, 0)
        assert listing(second) == before
    # a changed file (new size and mtime), a new one, a removed one, a vanished folder
    jpeg(root / rels[0], model="Changed")
    os.utime(root / rels[0], (time.time() + 5, time.time() + 5))
    jpeg(root / "2001/new/IMG_new.JPG", model="New")
    os.remove(root / rels[1])
    gone = sorted(r for r in rels if r.startswith("2002/event 4/"))
    shutil.rmtree(root / "2002/event 4")
    with opened(root, cache) as third:
        assert third.from_snapshot
        assert third.scan.read == 2
        now = listing(third)
    assert now[rels[0]][1] == "Changed"
    assert now[rels[0]][0] == before[rels[0]][0]  # rewritten in place: same id
    assert now["2001/new/IMG_new.JPG"][1] == "New"
    assert rels[1] not in now and not set(gone) & set(now)
    assert len(now) == 40 - 1 - len(gone) + 1
    with opened(root, cache) as fourth:  # and that was saved
        assert (fourth.scan.read, fourth.changed) == (0, 0)
        assert listing(fourth) == now


def test_edits_made_while_closed_are_on_the_loaded_index(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 6)
    with opened(root, cache):
        pass
    with opened(root, cache, write_cache=False) as other:  # another session edits
        assert other.editor is not None
        pid = other.index.id_of("personal", rels[2])
        assert pid is not None
        assert other.editor.set_rating([pid], 4).ok
    with opened(root, cache) as again:
        assert again.from_snapshot
        assert listing(again)[rels[2]][2] == 4


def test_a_replaced_store_is_applied_whole(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 4)
    with opened(root, cache) as lib:
        assert lib.editor is not None
        pid = lib.index.id_of("personal", rels[0])
        assert pid is not None
        assert lib.editor.set_rating([pid], 5).ok
    with opened(root, cache) as lib:  # the snapshot now holds the 5 stars
        assert listing(lib)[rels[0]][2] == 5
    shutil.rmtree(root / ".phototerm")  # the store is gone (a reset by hand, a restore)
    with opened(root, cache) as lib:
        assert lib.from_snapshot
        assert listing(lib)[rels[0]][2] == 0


def test_no_rescan_answers_from_the_snapshot_alone(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 5)
    with opened(root, cache):
        pass
    os.remove(root / rels[0])
    with opened(root, cache, rescan=False) as lib:
        assert lib.from_snapshot and len(lib.index) == 5  # stale, as asked
    with opened(root, cache) as lib:
        assert len(lib.index) == 4


def test_a_damaged_snapshot_is_rebuilt_with_a_note(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 5)
    with opened(root, cache):
        pass
    path = snapshot.snapshot_file(cache, [("personal", str(root))])
    path.write_bytes(path.read_bytes()[:-20])
    with opened(root, cache) as lib:
        assert not lib.from_snapshot
        assert len(lib.index) == 5
        assert "index snapshot ignored (truncated); rebuilt" in lib.problems
    with opened(root, cache) as lib:
        assert lib.from_snapshot and lib.problems == []


def test_a_cache_folder_nobody_may_write_saves_nothing_and_fails_nothing(as_nobody) -> None:
    from nobody import make_public

    base = Path(as_nobody.base)
    root = base / "root"
    library(root, 3)
    (root / ".phototerm").mkdir()
    cache = base / "cache"  # root's, readable by all, writable by root only
    (cache / "index").mkdir(parents=True)
    make_public(base)
    os.chmod(root / ".phototerm", 0o777)  # the space's store: nobody may write it
    os.chown(root, pwd.getpwnam("nobody").pw_uid, -1)  # nobody's own Personal Space
    code = (
        "import json, sys\n"
        "from phototerm.library import load_settings, open_library, resolve\n"
        "s = load_settings()\n"
        "setup = resolve(s, sys.argv[1], '', env={})\n"
        "with open_library(s, setup, cache_dir=sys.argv[2], writable=True) as lib:\n"
        "    print(json.dumps([len(lib.index), lib.from_snapshot, lib.problems]))\n"
    )
    for _ in range(2):  # twice: nothing was saved, and the second start is as the first
        out = as_nobody.run(code, str(root), str(cache), timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stderr == ""
        count, from_snapshot, problems = json.loads(out.stdout)
        assert (count, from_snapshot) == (3, False)
        assert any(p.startswith("index snapshot not saved: ") for p in problems), problems
    assert sorted(p.name for p in cache.rglob("*")) == ["index"]


def test_folders_the_indexer_signed_are_recognised_by_the_walk_that_reconciles(
    tmp_path: Path, monkeypatch
) -> None:
    # The first open signs each folder from the indexer's entries, the next from the
    # scanner's columns: the two signatures must agree, or every folder of every start
    # would be compared file by file (right answer, lost time: nothing else would show it).
    from phototerm.library.ingest import reconcile
    from phototerm.library.ingest.listing import folder_signature, listing_signature
    from phototerm.library.ingest.scanner import scan_folders, scan_listings

    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 12)
    (root / "2000/event 0/IMG_0000.JPG.xmp").write_text("<x/>")  # NAME.EXT.xmp
    (root / "2001/event 1/IMG_0001.xmp").write_text("<x/>")  # NAME.xmp
    (root / "2001/event 1/IMG_0001.JPG").rename(root / "2001/event 1/target.JPG")
    os.symlink("target.JPG", root / "2001/event 1/IMG_0001.JPG")  # a link inside the root
    (root / "2001/event 1/IMG_9999.JPG").write_bytes(b"not a photo")  # unreadable
    folders = list(scan_listings(str(root)))
    assert [f.rel for f in folders] == [
        e[0].rel.rpartition("/")[0] for e in scan_folders(str(root))
    ]
    for folder, entries in zip(folders, scan_folders(str(root)), strict=True):
        assert listing_signature(folder) == folder_signature(entries)
        assert folder.entries() == entries
    assert any(f.sidecars for f in folders)
    with opened(root, cache) as first:
        assert not first.from_snapshot
    compared: list[tuple[str, str]] = []
    real = reconcile._compare

    def spy(run, index, state, old, key, entries, found) -> None:
        compared.append(key)
        real(run, index, state, old, key, entries, found)

    monkeypatch.setattr(reconcile, "_compare", spy)
    with opened(root, cache) as second:
        assert second.from_snapshot and second.scan.read == 0
    assert compared == []
    os.utime(root / "2000/event 0/IMG_0000.JPG.xmp", (1, 1))  # a sidecar changed
    with opened(root, cache) as third:
        assert third.scan.read == 1
    assert compared == [("personal", "2000/event 0")]


def test_a_saved_index_mostly_of_removed_photos_is_saved_compacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phototerm.library.index import compaction

    monkeypatch.setattr(compaction, "FLOOR", 4)
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 12)
    with opened(root, cache) as first:
        assert first.snapshot_path is not None and first.snapshot_path.exists()
    for rel in rels[:9]:
        (root / rel).unlink()
    with opened(root, cache) as second:  # 9 rows of removed photos, 3 live ones
        assert second.from_snapshot and len(second.index) == 3
        assert second.index.removed_rows == 9  # the index in use keeps its ids
        kept = sorted(second.index.get(i).rel for i in second.index.ids())
    with opened(root, cache) as third:  # saved without them: loaded, nothing read again
        assert third.from_snapshot and third.scan.read == 0 and third.changed == 0
        assert len(third.index) == 3 and third.index.removed_rows == 0
        assert sorted(third.index.get(i).rel for i in third.index.ids()) == kept
