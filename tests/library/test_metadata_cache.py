"""The metadata cache: round trip, staleness, and every way a cache file can be bad."""

from __future__ import annotations

import marshal
import os
import struct
import sys
import zlib
from pathlib import Path

import pytest

from phototerm.library.metadata import cache as metadata_cache
from phototerm.library.metadata import reader as metadata

ROOT = "/photos/root"


def row(rel: str, size: int = 100, mtime: float = 1.5, make: str = "Canon") -> tuple:
    return metadata.make_row(
        rel,
        "photo",
        size,
        mtime,
        1000.0,
        60,
        make=make,
        model="EOS R6",
        iso=100,
        lat=1.25,
        lon=-2.5,
        rating=3,
        tags=("a", "b"),
    )


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = metadata_cache.cache_file(tmp_path, "personal", ROOT)
    rows = [row("a.jpg"), row("sub/b.jpg", 7, 2.25), row("caf\udce9.jpg"), row("[bold]x.jpg")]
    assert metadata_cache.save(path, ROOT, rows, {"a.jpg": ("a.jpg.xmp", 10, 3.0)}) == ""
    return path


def test_round_trip(saved: Path) -> None:
    data = metadata_cache.load(saved, ROOT)
    assert data.problem == "" and len(data) == 4
    assert data.rows["sub/b.jpg"] == row("sub/b.jpg", 7, 2.25)
    assert data.rows["caf\udce9.jpg"][0] == "caf\udce9.jpg"  # non-UTF-8 names survive
    assert data.sidecars == {"a.jpg": ("a.jpg.xmp", 10, 3.0)}


def test_cache_lives_in_the_given_cache_dir_per_space_and_root(tmp_path: Path) -> None:
    a = metadata_cache.cache_file(tmp_path, "personal", "/a")
    assert a.parent == tmp_path / metadata_cache.SUBDIR
    assert a != metadata_cache.cache_file(tmp_path, "personal", "/b")
    assert a != metadata_cache.cache_file(tmp_path, "shared", "/a")


def test_lookup_is_keyed_by_size_mtime_and_sidecar(saved: Path) -> None:
    data = metadata_cache.load(saved, ROOT)
    side = ("a.jpg.xmp", 10, 3.0)
    assert data.lookup("a.jpg", 100, 1.5, side) == row("a.jpg")
    assert data.lookup("a.jpg", 101, 1.5, side) is None  # size changed
    assert data.lookup("a.jpg", 100, 1.75, side) is None  # mtime changed
    assert data.lookup("a.jpg", 100, 1.5, None) is None  # sidecar removed
    assert data.lookup("a.jpg", 100, 1.5, ("a.jpg.xmp", 10, 4.0)) is None  # sidecar edited
    assert data.lookup("sub/b.jpg", 7, 2.25, ("sub/b.xmp", 1, 1.0)) is None  # sidecar added
    assert data.lookup("sub/b.jpg", 7, 2.25, None) is not None
    assert data.lookup("new.jpg", 1, 1.0, None) is None


def test_missing_cache_is_empty_without_a_problem(tmp_path: Path) -> None:
    data = metadata_cache.load(tmp_path / "none", ROOT)
    assert len(data) == 0 and data.problem == ""


def _corrupt(path: Path, offset: int, value: bytes) -> None:
    data = bytearray(path.read_bytes())
    data[offset : offset + len(value)] = value
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:20]), "truncated"),
        (lambda p: p.write_bytes(p.read_bytes()[:-5]), "corrupt (checksum)"),
        (lambda p: _corrupt(p, 60, b"\x00\x01"), "corrupt (checksum)"),
        (lambda p: p.write_bytes(b"garbage" * 10), "not a phototerm cache"),
        (lambda p: p.write_bytes(b""), "truncated"),
        (lambda p: _corrupt(p, 4, struct.pack("<H", metadata_cache.FORMAT + 1)), "another version"),
        (lambda p: _corrupt(p, 8, bytes([2])), "another version"),  # another Python major
    ],
)
def test_bad_cache_files_are_ignored(saved: Path, damage, problem: str) -> None:
    damage(saved)
    data = metadata_cache.load(saved, ROOT)
    assert (len(data), data.problem) == (0, problem)


def test_checksummed_garbage_payload_is_ignored(tmp_path: Path) -> None:
    # A well-formed header around content that is not what a cache holds.
    path = tmp_path / "c"
    for payload in (
        b"\x00\x01garbage",
        marshal.dumps(["not", "a", "tuple"]),
        marshal.dumps((ROOT, [("short",)], {})),
    ):
        header = metadata_cache._HEADER.pack(
            metadata_cache.MAGIC,
            metadata_cache.FORMAT,
            metadata_cache._SCHEMA,
            *sys.version_info[:2],
            len(payload),
            zlib.crc32(payload),
        )
        path.write_bytes(header + payload)
        data = metadata_cache.load(path, ROOT)
        assert len(data) == 0 and data.problem.startswith("corrupt")


def test_cache_of_another_root_is_ignored(saved: Path) -> None:
    assert metadata_cache.load(saved, "/elsewhere").problem == "corrupt (content)"


def test_unreadable_cache_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    data = metadata_cache.load(tmp_path / "dir", ROOT)  # a folder where the file should be
    assert len(data) == 0 and data.problem.startswith("unreadable")


def test_atomic_save_leaves_no_temporary_files(saved: Path) -> None:
    assert metadata_cache.save(saved, ROOT, [row("only.jpg")], {}) == ""
    assert sorted(os.listdir(saved.parent)) == [saved.name]
    assert list(metadata_cache.load(saved, ROOT).rows) == ["only.jpg"]


def test_save_failure_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    problem = metadata_cache.save(blocker / "sub" / "cache", ROOT, [row("a.jpg")], {})
    assert problem != ""


def test_strings_shared_after_load(saved: Path) -> None:
    # Interned strings are written once and come back shared: memory stays small.
    path = saved
    rows = [row(f"{i}.jpg", make=sys.intern("Canon")) for i in range(3)]
    metadata_cache.save(path, ROOT, rows, {})
    loaded = list(metadata_cache.load(path, ROOT).rows.values())
    assert loaded[0][6] is loaded[1][6] is loaded[2][6]


def test_cache_of_another_reader_version_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c"
    # as an older reader wrote it
    monkeypatch.setattr(metadata_cache, "_SCHEMA", metadata_cache._SCHEMA ^ 1)
    metadata_cache.save(path, ROOT, [row("a.jpg")], {})
    monkeypatch.undo()
    data = metadata_cache.load(path, ROOT)
    assert (len(data), data.problem) == (0, "another version")


@pytest.mark.parametrize("on_disk", [True, False])
def test_spooled_rows_are_saved_with_the_others_and_leave_no_file(
    tmp_path: Path, on_disk: bool
) -> None:
    path = metadata_cache.cache_file(tmp_path, "personal", ROOT)
    folder = path.parent
    spool = metadata_cache.Spool(folder if on_disk else None)
    spooled = [[row(f"s/{i}-{j}.jpg", size=i * 10 + j) for j in range(300)] for i in range(5)]
    for rows in spooled:
        spool.add(rows)
    spool.add([])
    assert spool.rows == 1500
    kept = [row("kept.jpg")]
    assert metadata_cache.save(path, ROOT, kept, {}, spool) == ""
    spool.close()
    loaded = metadata_cache.load(path, ROOT)
    assert loaded.problem == ""
    assert len(loaded.rows) == 1501
    assert loaded.rows["s/3-7.jpg"] == spooled[3][7]
    assert loaded.rows["kept.jpg"] == kept[0]
    # The spool's file had no name: nothing but the cache is left in its folder.
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_a_spool_in_a_folder_it_cannot_make_keeps_its_rows_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    spool = metadata_cache.Spool(blocker / "sub")
    spool.add([row("a.jpg")])
    path = metadata_cache.cache_file(tmp_path / "cache", "personal", ROOT)
    assert metadata_cache.save(path, ROOT, [], {}, spool) == ""
    assert list(metadata_cache.load(path, ROOT).rows) == ["a.jpg"]


def test_a_spool_whose_disk_fills_up_keeps_the_rest_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = metadata_cache.cache_file(tmp_path, "personal", ROOT)
    spool = metadata_cache.Spool(path.parent)
    spool.add([row("first.jpg")])
    real_pwrite = os.pwrite

    def full(fd: int, data: bytes, offset: int) -> int:
        real_pwrite(fd, bytes(data)[:3], offset)  # part of it lands, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(metadata_cache.os, "pwrite", full)
    spool.add([row("second.jpg")])
    monkeypatch.setattr(metadata_cache.os, "pwrite", real_pwrite)
    spool.add([row("third.jpg")])
    assert metadata_cache.save(path, ROOT, [], {}, spool) == ""
    spool.close()
    assert sorted(metadata_cache.load(path, ROOT).rows) == ["first.jpg", "second.jpg", "third.jpg"]
